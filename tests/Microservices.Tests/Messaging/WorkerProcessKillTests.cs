
namespace Microservices.Tests.Messaging;

/// <summary>
/// The built event relay and Catalog worker, each its own process, killed with SIGKILL while they publish and
/// consume, then started again: the stream checkpoint and the unacknowledged messages must bring every copy back
/// without drift.
/// </summary>
[TakesAbout(25)]
public sealed class WorkerProcessKillTests(DynamoDbLocalFixture dynamo, RabbitMqFixture rabbit) : IAsyncLifetime
{
    private DynamoDbOptions _tables = null!;
    private CatalogApi _api = null!;
    private ApiClient _catalog = null!;
    private Dictionary<string, string?> _messaging = null!;

    public async ValueTask InitializeAsync()
    {
        _tables = await dynamo.CreateTablesAsync("kill");
        _api = new CatalogApi(_tables);
        _catalog = new ApiClient(_api.CreateClient());
        _messaging = await rabbit.NewVirtualHostAsync("kill");
    }

    public async ValueTask DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task A_worker_killed_mid_work_and_restarted_leaves_zero_drift()
    {
        var load = await CatalogLoad.RegisterAsync(_catalog, authors: 6);
        using (var relay = WorkerProcess.Start(_tables, _messaging, WorkerProcess.Relay))
        using (var first = WorkerProcess.Start(_tables, _messaging, WorkerProcess.CatalogWorker))
        {
            await load.RunAsync(steps: 8);
            var running = load.RunAsync(steps: 8);
            // Kill it once it is demonstrably working, while commands are still coming in.
            await Eventually.Until(
                async () => (await TableItems.GenreCopiesAsync(_tables)).Count,
                copies => copies > 0 || first.HasExited,
                TimeSpan.FromSeconds(60),
                "the first worker's first copies");
            Assert.False(first.HasExited, $"the worker stopped by itself:\n{first.Output()}");
            relay.KillHard();
            first.KillHard();
            var driftAtKill = await CatalogLoad.DriftAsync(_tables);
            await running;
            Assert.NotEmpty(driftAtKill);
        }

        using var relayAgain = WorkerProcess.Start(_tables, _messaging, WorkerProcess.Relay);
        using var second = WorkerProcess.Start(_tables, _messaging, WorkerProcess.CatalogWorker);
        await load.RunAsync(steps: 8);

        await load.UntilConvergedAsync(_tables, TimeSpan.FromSeconds(120));
        Assert.False(second.HasExited, second.Output());
    }
}
