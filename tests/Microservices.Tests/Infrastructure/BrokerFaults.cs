namespace Microservices.Tests.Infrastructure;

/// <summary>
/// Drops every connection to a private RabbitMQ node at moments drawn from a seeded <see cref="Random"/>, for as long
/// as a load runs: the fault a soak injects when "RabbitMQ connections are dropped". Never point it at the shared
/// fixture's node: every class on it would lose its connections.
/// </summary>
public sealed class BrokerFaults(RabbitMqNode node, int seed)
{
    private readonly Random _random = new(seed);
    private readonly List<(TimeSpan At, int Connections)> _drops = [];

    /// <summary>Every drop so far: when after <see cref="DuringAsync"/> began, and how many connections it closed.</summary>
    public IReadOnlyList<(TimeSpan At, int Connections)> Drops => _drops;

    /// <summary>Closes every connection now; returns how many were open.</summary>
    public async Task<int> DropAllAsync(TimeSpan at = default)
    {
        var closed = await node.CloseAllConnectionsAsync();
        _drops.Add((at, closed));
        return closed;
    }

    /// <summary>
    /// While <paramref name="load"/> runs, drops every connection up to <paramref name="drops"/> times, each after a
    /// pause drawn between zero and <paramref name="maxGap"/>. Returns how many drops happened before the load ended.
    /// </summary>
    public async Task<int> DuringAsync(Task load, int drops, TimeSpan maxGap)
    {
        ArgumentNullException.ThrowIfNull(load);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var done = 0;
        while (done < drops)
        {
            if (await Task.WhenAny(load, Task.Delay(maxGap * _random.NextDouble(), TestContext.Current.CancellationToken)) == load)
            {
                break;
            }

            await DropAllAsync(clock.Elapsed);
            done++;
        }

        await load;
        return done;
    }
}
