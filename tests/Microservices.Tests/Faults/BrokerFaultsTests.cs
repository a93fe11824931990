
namespace Microservices.Tests.Faults;

/// <summary>
/// Every connection to the broker dropped while commands run, on a RabbitMQ node of this class's own so no other class
/// loses its connections: the relay and the consumers reconnect, and nothing is lost.
/// </summary>
[TakesAbout(30)]
public sealed class BrokerFaultsTests(DynamoDbLocalFixture dynamo) : IAsyncLifetime
{
    private RabbitMqNode _node = null!;

    public async ValueTask InitializeAsync() => _node = await RabbitMqNode.StartAsync("drops");

    public async ValueTask DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task Connections_dropped_at_random_moments_during_a_run_of_commands_end_with_zero_drift()
    {
        var tables = await dynamo.CreateTablesAsync("drops");
        using var worker = await GenreWorker.StartAsync(tables, _node.Settings(await _node.AddVirtualHostAsync("drops")));
        await using var api = new CatalogApi(tables);
        var load = await CatalogLoad.RegisterAsync(new ApiClient(api.CreateClient()), authors: 4);
        await load.RunAsync(steps: 4);
        var faults = new BrokerFaults(_node, seed: 13);

        var drops = await faults.DuringAsync(load.RunAsync(steps: 16), drops: 2, maxGap: TimeSpan.FromMilliseconds(300));
        // The workers reconnected: there is something to drop again, and commands after it still reach the copies.
        await Eventually.Until(() => faults.DropAllAsync(), closed => closed > 0, what: "the workers' connections back");
        await load.RunAsync(steps: 4);

        // Each drop is two rabbitmqctl runs (seconds of Erlang start-up), so the load may end before the second.
        Assert.InRange(drops, 1, 2);
        Assert.True(faults.Drops[0].Connections > 0, "the first drop found no connection to close");
        await load.UntilConvergedAsync(tables, TimeSpan.FromSeconds(60));
        await CatalogChecks.UntilNoDriftAsync(tables);
        await worker.StopAsync(TestContext.Current.CancellationToken);
    }
}
