using System.Collections.Concurrent;
using Catalog.Worker;
using Microservices.Faults;

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
        var deliveries = new GenreDeliveries();
        worker.Services.GetRequiredService<IBus>().ConnectConsumeObserver(deliveries);
        await using var api = new CatalogApi(tables);
        var load = await CatalogLoad.RegisterAsync(new ApiClient(api.CreateClient()), authors: 4);

        await load.RunAsync(steps: 8);

        await load.UntilConvergedAsync(tables, TimeSpan.FromSeconds(60));
        await CatalogChecks.UntilNoDriftAsync(tables);
        var duplicated = faults.Injected.GetValueOrDefault(DeliveryFaultKind.Duplicated);
        Assert.True(duplicated > 0, "no message was duplicated");
        Assert.True(faults.Injected.GetValueOrDefault(DeliveryFaultKind.Delayed) > 0, "no message was delayed");
        // Each duplicate really reached the consumers as a second delivery of the same message.
        await Eventually.Until(() => Task.FromResult(deliveries.ConsumedTwice), twice => twice >= duplicated, what: $"{duplicated} messages consumed twice");
        await worker.StopAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>How many times each message was consumed on the genre-copy queue.</summary>
    private sealed class GenreDeliveries : IConsumeObserver
    {
        private readonly ConcurrentDictionary<Guid, int> _consumed = new();

        public int ConsumedTwice => _consumed.Values.Count(n => n >= 2);

        public Task PostConsume<T>(ConsumeContext<T> context)
            where T : class
        {
            if (context.MessageId is { } id && context.ReceiveContext.InputAddress.AbsolutePath.EndsWith(GenreCopiesModule.EndpointName, StringComparison.Ordinal))
            {
                _consumed.AddOrUpdate(id, 1, (_, n) => n + 1);
            }

            return Task.CompletedTask;
        }

        public Task PreConsume<T>(ConsumeContext<T> context)
            where T : class => Task.CompletedTask;

        public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception)
            where T : class => Task.CompletedTask;
    }
}
