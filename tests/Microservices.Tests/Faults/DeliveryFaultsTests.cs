using Catalog.Worker;
using Microservices.Shared.Faults;
using Microservices.Tests.Catalog;
using Microservices.Tests.Infrastructure;
using Microsoft.Extensions.Hosting;

namespace Microservices.Tests.Faults;

/// <summary>
/// The genre-copy consumers receive a fraction of their messages twice and a fraction late, behind newer ones: the
/// version-guarded copies must still end equal to their sources, as the Ops check recomputes them.
/// </summary>
public sealed class DeliveryFaultsTests(DynamoDbLocalFixture dynamo, RabbitMqFixture rabbit)
{
    [Fact]
    public async Task Renames_and_book_adds_delivered_twice_and_out_of_order_end_with_zero_drift()
    {
        var tables = await dynamo.CreateTablesAsync("delivery-faults");
        var faults = new DeliveryFaults(duplicateRate: 0.3, delayRate: 0.3, maxDelay: TimeSpan.FromMilliseconds(300), seed: 11);
        using var worker = await GenreWorker.StartAsync(
            tables, await rabbit.NewVirtualHostAsync("delivery-faults"), bus => bus.AddDeliveryFaults(faults, GenreCopiesModule.EndpointName));
        await using var api = new CatalogApi(tables);
        var load = await CatalogLoad.RegisterAsync(new CatalogClient(api.CreateClient()), authors: 4);

        await load.RunAsync(steps: 12);

        await load.UntilConvergedAsync(tables, TimeSpan.FromSeconds(60));
        await CatalogChecks.UntilNoDriftAsync(tables);
        Assert.True(faults.Injected.GetValueOrDefault(DeliveryFaultKind.Duplicated) > 0, "no message was duplicated");
        Assert.True(faults.Injected.GetValueOrDefault(DeliveryFaultKind.Delayed) > 0, "no message was delayed");
        await worker.StopAsync(TestContext.Current.CancellationToken);
    }
}
