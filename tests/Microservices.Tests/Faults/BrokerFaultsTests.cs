using Microservices.Tests.Catalog;
using Microservices.Tests.Infrastructure;
using Microsoft.Extensions.Hosting;

namespace Microservices.Tests.Faults;

/// <summary>
/// Every connection to the broker dropped while commands run, on a RabbitMQ node of this class's own so no other class
/// loses its connections: the relay and the consumers reconnect, and nothing is lost.
/// </summary>
public sealed class BrokerFaultsTests(DynamoDbLocalFixture dynamo) : IAsyncLifetime
{
    private RabbitMqNode _node = null!;

    public async ValueTask InitializeAsync() => _node = await RabbitMqNode.StartAsync("drops");

    public async ValueTask DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task Connections_dropped_during_a_run_of_commands_end_with_zero_drift()
    {
        var tables = await dynamo.CreateTablesAsync("drops");
        var messaging = _node.Settings(await _node.AddVirtualHostAsync("drops"));
        using var worker = await GenreWorker.StartAsync(tables, messaging);
        await using var api = new CatalogApi(tables);
        var load = await CatalogLoad.RegisterAsync(new CatalogClient(api.CreateClient()), authors: 4);
        await load.RunAsync(steps: 4);

        var running = load.RunAsync(steps: 8);
        var dropped = await _node.CloseAllConnectionsAsync();
        await running;
        var droppedAgain = await _node.CloseAllConnectionsAsync();
        await load.RunAsync(steps: 4);

        Assert.True(dropped > 0, "there was no connection to drop");
        Assert.True(droppedAgain > 0, "the workers did not reconnect after the first drop");
        await load.UntilConvergedAsync(tables, TimeSpan.FromSeconds(60));
        await CatalogChecks.UntilNoDriftAsync(tables);
        await worker.StopAsync(TestContext.Current.CancellationToken);
    }
}
