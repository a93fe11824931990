
namespace Microservices.Tests.Faults;

/// <summary>
/// The built relay and Catalog worker as processes, one of them SIGKILLed at a seeded random moment under load and
/// restarted: the stream checkpoint and the unacknowledged messages bring every copy back.
/// </summary>
[TakesAbout(35)]
public sealed class WorkerKillFaultsTests(DynamoDbLocalFixture dynamo, RabbitMqFixture rabbit)
{
    [Fact]
    public async Task A_kill_and_restart_at_a_random_moment_under_load_ends_with_zero_drift()
    {
        var tables = await dynamo.CreateTablesAsync("kill-faults");
        using var killer = new WorkerKiller(tables, await rabbit.NewVirtualHostAsync("kill-faults"), seed: 5);
        killer.Start(WorkerProcess.Relay);
        killer.Start(WorkerProcess.CatalogWorker);
        await using var api = new CatalogApi(tables);
        var load = await CatalogLoad.RegisterAsync(new ApiClient(api.CreateClient()), authors: 4);
        await load.RunAsync(steps: 4);
        // Kill only workers that are demonstrably working.
        await Eventually.Until(() => TableItems.GenreCopiesAsync(tables), copies => copies.Count > 0, TimeSpan.FromSeconds(60), "the first copies");

        // Seed 5 kills the Catalog worker a third of the way into the gap, well before 24 steps of load are done.
        var kills = await killer.DuringAsync(load.RunAsync(steps: 24), kills: 1, maxGap: TimeSpan.FromMilliseconds(500));

        Assert.Equal(1, kills);
        Assert.Single(killer.Kills);
        await load.RunAsync(steps: 4);
        await load.UntilConvergedAsync(tables, TimeSpan.FromSeconds(90));
        await CatalogChecks.UntilNoDriftAsync(tables);
        killer.AssertAllRunning();
    }
}
