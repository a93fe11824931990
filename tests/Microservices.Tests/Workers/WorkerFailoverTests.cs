using System.Diagnostics;
using EventRelay;

namespace Microservices.Tests.Workers;

/// <summary>
/// Two built event relay processes share the table's stream (a Catalog worker process keeps the copies). The one holding the shard's lease is killed with
/// SIGKILL in the middle of work; the other must take the lease over within the failover time and bring every copy
/// to zero drift.
/// </summary>
public sealed class WorkerFailoverTests(DynamoDbLocalFixture dynamo, RabbitMqFixture rabbit) : IAsyncLifetime
{
    private DynamoDbOptions _tables = null!;
    private CatalogApi _api = null!;
    private ApiClient _catalog = null!;
    private Dictionary<string, string?> _settings = null!;

    public async ValueTask InitializeAsync()
    {
        _tables = await dynamo.CreateTablesAsync("failover");
        _api = new CatalogApi(_tables);
        _catalog = new ApiClient(_api.CreateClient());
        _settings = await rabbit.NewVirtualHostAsync("failover");
    }

    public async ValueTask DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task When_the_lease_holder_is_killed_the_other_worker_takes_over_within_the_failover_time_with_zero_drift()
    {
        var load = await CatalogLoad.RegisterAsync(_catalog, authors: 4);
        using var a = WorkerProcess.Start(_tables, _settings, WorkerProcess.Relay);
        using var b = WorkerProcess.Start(_tables, _settings, WorkerProcess.Relay);
        using var copies = WorkerProcess.Start(_tables, _settings, WorkerProcess.CatalogWorker);
        await load.RunAsync(steps: 4);

        var holder = await Eventually.Until(OwnerAsync, owner => owner is not null, TimeSpan.FromSeconds(60), "a worker to hold the lease");
        var (victim, survivor) = holder!.Contains($"-{a.Id}-", StringComparison.Ordinal) ? (a, b) : (b, a);
        Assert.Contains($"-{victim.Id}-", holder, StringComparison.Ordinal);

        await Eventually.Until(
            () => Leases.SnapshotAsync(_tables, EventRelayModule.ConsumerName),
            snapshot => snapshot.Instances.Any(i => IsSurvivor(i.InstanceId)),
            TimeSpan.FromSeconds(60),
            "the other worker's first lease round");

        var running = load.RunAsync(steps: 6);
        var killed = Stopwatch.GetTimestamp();
        victim.KillHard();
        // Read after the kill: the count that follows can only come out lower than the rounds really run, never higher.
        var roundsAtKill = (await Leases.SnapshotAsync(_tables, EventRelayModule.ConsumerName)).RoundsOf(IsSurvivor);
        var taken = await Eventually.Until(
            () => Leases.SnapshotAsync(_tables, EventRelayModule.ConsumerName),
            snapshot => Holder(snapshot) is { } owner && owner != holder,
            TimeSpan.FromSeconds(60),
            "the survivor to take the lease");
        var takeover = Stopwatch.GetElapsedTime(killed);
        await running;

        Assert.True(IsSurvivor(Holder(taken)!), $"the lease went to {Holder(taken)}, not to worker {survivor.Id}");
        var rounds = taken.RoundsOf(IsSurvivor) - roundsAtKill;
        TestContext.Current.TestOutputHelper?.WriteLine($"Lease taken over {rounds} lease rounds, {takeover.TotalMilliseconds:F0} ms after SIGKILL");
        var bound = Leases.TakeoverRounds(new StreamConsumerOptions());
        Assert.True(rounds <= bound, $"takeover took {rounds} of the survivor's lease rounds ({takeover}), the bound is {bound}");
        await load.UntilConvergedAsync(_tables, TimeSpan.FromSeconds(120));
        Assert.False(survivor.HasExited, survivor.Output());

        bool IsSurvivor(string instance) => instance.Contains($"-{survivor.Id}-", StringComparison.Ordinal);
    }

    private async Task<string?> OwnerAsync() => Holder(await Leases.SnapshotAsync(_tables, EventRelayModule.ConsumerName));

    private static string? Holder(LeaseTableSnapshot snapshot) => snapshot.Leases.SingleOrDefault(l => !l.Finished)?.Owner;
}
