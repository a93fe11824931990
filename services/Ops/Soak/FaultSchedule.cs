using System.Collections.Concurrent;

namespace Ops.Soak;

/// <summary>
/// The faults the soak causes from outside the processes, at seeded points of the workload: worker and relay kills
/// (SIGKILL, then a fresh start after a short pause) and dropped broker connections. The points are fractions of the
/// commands sent, so a seed places them at the same commands whatever the machine's speed.
/// </summary>
public sealed class FaultSchedule(SoakSettings soak, SoakSystem system, Workload workload)
{
    private readonly Random _random = new(soak.Seed + 17);
    private readonly ConcurrentDictionary<string, long> _injected = new();

    /// <summary>Counts by kind: "killed:{process}" and "connections-dropped".</summary>
    public IReadOnlyDictionary<string, long> Injected => _injected;

    public async Task RunAsync(Task load, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(load);
        var points = Points(soak.Kills, isKill: true).Concat(Points(soak.ConnectionDrops, isKill: false)).OrderBy(p => p.At).ToList();
        foreach (var (at, isKill) in points)
        {
            while (workload.Completed < at && !load.IsCompleted)
            {
                await Task.Delay(50, cancellationToken);
            }

            if (load.IsCompleted)
            {
                break;
            }

            if (isKill)
            {
                var victim = system.Killable[_random.Next(system.Killable.Count)];
                await victim.KillAsync();
                Count($"killed:{victim.Name}");
                await Task.Delay(TimeSpan.FromMilliseconds(_random.Next(200, 1500)), cancellationToken);
                await victim.StartAsync(TimeSpan.FromSeconds(90), cancellationToken);
            }
            else
            {
                await soak.Broker.DropConnectionsAsync(cancellationToken);
                Count("connections-dropped");
            }
        }
    }

    /// <summary>Evenly spread over the workload, each moved by up to a third of its gap.</summary>
    private IEnumerable<(int At, bool IsKill)> Points(int count, bool isKill)
    {
        var gap = workload.Total / (count + 1);
        return [.. Enumerable.Range(1, count).Select(i => (i * gap + _random.Next(-gap / 3, gap / 3 + 1), isKill))];
    }

    private void Count(string kind) => _injected.AddOrUpdate(kind, 1, (_, n) => n + 1);
}
