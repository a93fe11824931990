using Catalog.Worker;
using EventRelay;
using Microservices.Contracts;
using Microservices.Messaging;
using Microservices.Tests.Clients;
using Microservices.Tests.Orders;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orders.Worker;

namespace Microservices.Tests.Messaging;

/// <summary>
/// No start order loses an event: on a virtual host no process has ever used (a new broker, as far as exchanges and
/// queues go), the relay starts first and publishes every service's events before any worker has run once; the
/// workers start afterwards and receive every copy. And the subscriptions the relay declares are exactly what the
/// workers' consumers bind, so the declaration cannot fall behind a worker.
/// </summary>
public sealed class StartOrderTests(DynamoDbLocalFixture dynamo, RabbitMqFixture rabbit)
{
    [Fact]
    public async Task A_relay_started_before_any_worker_on_a_new_broker_loses_no_event_and_every_worker_gets_every_copy()
    {
        var tables = await dynamo.CreateTablesAsync("start-order");
        var messaging = await rabbit.NewVirtualHostAsync("start-order");
        using var relay = Build(tables, messaging, builder =>
        {
            builder.Services.AddMessaging(builder.Configuration);
            builder.Services.AddEventRelay(options =>
            {
                options.ShardDiscoveryInterval = TimeSpan.FromMilliseconds(300);
                options.PollInterval = TimeSpan.FromMilliseconds(50);
            });
        });
        var published = BusTraffic.Watch(relay.Services.GetRequiredService<IBus>());
        await relay.StartAsync(TestContext.Current.CancellationToken);

        await WriteEveryKindOfEventAsync(tables);
        var expected = await StreamRecords.PublishedContractsAsync(tables);
        Assert.Equal(expected.Count, (await Eventually.Until(
            () => Task.FromResult(published.Published), p => p.Count >= expected.Count, TimeSpan.FromSeconds(60), "the relay published every event")).Count);
        Assert.Equal(expected.Select(c => c.EventId).Order(), published.Published.Select(m => m.MessageId!.Value).Order());

        // Only now does any worker start: none has ever declared a queue on this virtual host.
        using var workers = Build(tables, messaging, builder => builder.Services.AddMessaging(builder.Configuration, bus =>
        {
            bus.AddCatalogProjections();
            bus.AddOrderProjections();
        }));
        var consumed = BusTraffic.Watch(workers.Services.GetRequiredService<IBus>());
        await workers.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            // One copy of each message for every queue that takes its type, and each consumed once it is written.
            var copies = expected.Sum(c => Subscriptions.Queues.Values.Count(types => types.Any(t => t.IsInstanceOfType(c.Contract))));
            Assert.True(copies > expected.Count, "some message goes to more than one queue");
            await consumed.UntilConsumedAsync(copies);
            await CatalogChecks.UntilNoDriftAsync(tables);
            using var client = DynamoDbLocalFixture.CreateClient(tables);
            Assert.Empty(await OrderChecks.RunAsync(client, tables.TableName, TestContext.Current.CancellationToken));
        }
        finally
        {
            await workers.StopAsync(TestContext.Current.CancellationToken);
            await relay.StopAsync(TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task The_declared_subscriptions_bind_exactly_what_the_workers_consumers_bind()
    {
        var tables = await dynamo.CreateTablesAsync("topology");
        var byWorkers = await rabbit.NewVirtualHostAsync("topology-workers");
        var declared = await rabbit.NewVirtualHostAsync("topology-declared");
        using (var workers = Build(tables, byWorkers, builder => builder.Services.AddMessaging(builder.Configuration, bus =>
        {
            bus.AddCatalogProjections();
            bus.AddOrderProjections();
        })))
        {
            await workers.StartAsync(TestContext.Current.CancellationToken);
            await workers.StopAsync(TestContext.Current.CancellationToken);
        }

        var options = new MessagingOptions();
        new ConfigurationBuilder().AddInMemoryCollection(declared).Build().GetSection(MessagingOptions.Section).Bind(options);
        await new BrokerTopology(Subscriptions.Queues, Options.Create(options), NullLogger<BrokerTopology>.Instance)
            .StartAsync(TestContext.Current.CancellationToken);

        var workerBindings = Durable(await rabbit.Node.ListBindingsAsync(byWorkers["Messaging:VirtualHost"]!));
        var declaredBindings = Durable(await rabbit.Node.ListBindingsAsync(declared["Messaging:VirtualHost"]!));
        // Each message type's exchange to each queue's exchange, and each queue's exchange to its queue.
        Assert.Equal(Subscriptions.Queues.Sum(q => q.Value.Count) + Subscriptions.Queues.Count, declaredBindings.Count);
        Assert.Equal(workerBindings, declaredBindings);
    }

    /// <summary>Leaves out each bus's own temporary endpoint, which is deleted with its connection.</summary>
    private static List<string> Durable(IReadOnlyList<string> bindings) =>
        [.. bindings.Where(b => !b.Contains("_bus_", StringComparison.Ordinal))];

    private static async Task WriteEveryKindOfEventAsync(DynamoDbOptions tables)
    {
        await using var catalogApi = new CatalogApi(tables);
        await using var clientsApi = new ClientsApi(tables);
        await using var ordersApi = new OrdersApi(tables);
        var catalog = new ApiClient(catalogApi.CreateClient());
        var clients = new ApiClient(clientsApi.CreateClient());
        var orders = new ApiClient(ordersApi.CreateClient());

        var (authorId, authorVersion) = await catalog.RegisterAuthorAsync("Kerstin Ekman");
        var (bookId, _) = await catalog.AddBookAsync(authorId, "Händelser vid vatten", "crime", 14m);
        await catalog.AddBookAsync(authorId, "Vargskinnet", "fiction", 12m);
        await catalog.RenameAuthorAsync(authorId, "Kerstin Lillemor Ekman", authorVersion);
        var (clientId, clientVersion) = await clients.RegisterAsync("Malin Persson", "malin@example.se", new Dictionary<string, string>());
        var (orderId, _, _) = await orders.PlaceAsync(clientId, OrderCalls.Line(authorId, bookId: bookId, quantity: 2));
        await orders.PlaceAsync(clientId, OrderCalls.Line(authorId, title: "Vargskinnet"));
        await orders.ChangeAsync(clientId, orderId, "cancel", 1);
        await clients.SendAsync(HttpMethod.Put, $"/clients/{clientId}/details", new { name = "Malin Ek", expectedVersion = clientVersion }, System.Net.HttpStatusCode.OK);
    }

    private static IHost Build(DynamoDbOptions tables, IReadOnlyDictionary<string, string?> messaging, Action<HostApplicationBuilder> configure)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(Settings.Of(tables)).AddInMemoryCollection(messaging);
        builder.Services.AddDynamoDb();
        configure(builder);
        return builder.Build();
    }
}
