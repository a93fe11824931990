using Catalog.Worker;
using EventRelay;
using Microservices.Messaging;
using Microsoft.Extensions.Configuration;
using Orders.Worker;

namespace Microservices.Tests.Infrastructure;

/// <summary>
/// The real workers in this process, on a test's tables and bus: consumers of a service's worker and, unless a test
/// publishes by hand, the one event relay (<see cref="EventRelayModule.AddEventRelay"/>) that publishes every
/// service's events from the table's stream.
/// </summary>
public static class WorkerHost
{
    /// <param name="consumers">The consumers on the workers' bus, and more registrations such as delivery faults.</param>
    /// <param name="relay">Whether the event relay runs in the host; without it the test is the publisher.</param>
    /// <param name="services">Last changes to the host's services, such as a faulty DynamoDB client.</param>
    public static async Task<IHost> StartAsync(
        DynamoDbOptions tables,
        IReadOnlyDictionary<string, string?> messaging,
        Action<IBusRegistrationConfigurator> consumers,
        bool relay = true,
        Action<IServiceCollection>? services = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(Settings.Of(tables)).AddInMemoryCollection(messaging);
        builder.Services.AddDynamoDb();
        builder.Services.AddMessaging(builder.Configuration, consumers);
        if (relay)
        {
            builder.Services.AddEventRelay(options =>
            {
                options.ShardDiscoveryInterval = TimeSpan.FromMilliseconds(500);
                options.PollInterval = TimeSpan.FromMilliseconds(100);
            });
        }

        services?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        return host;
    }
}

/// <summary>The relay and the Catalog consumers that keep the genre copies and book counts.</summary>
public static class GenreWorker
{
    public static Task<IHost> StartAsync(
        DynamoDbOptions tables,
        IReadOnlyDictionary<string, string?> messaging,
        Action<IBusRegistrationConfigurator>? bus = null,
        Action<IServiceCollection>? services = null) =>
        WorkerHost.StartAsync(tables, messaging, registrations =>
        {
            registrations.AddCatalogProjections();
            bus?.Invoke(registrations);
        }, relay: true, services);
}

/// <summary>The Orders worker's consumers (client copies, the client's order statistics), with or without the relay.</summary>
public static class OrdersWorker
{
    public static Task<IHost> StartAsync(DynamoDbOptions tables, IReadOnlyDictionary<string, string?> messaging, bool relay) =>
        WorkerHost.StartAsync(tables, messaging, bus => bus.AddOrderProjections(), relay);
}

/// <summary>
/// The Catalog worker's bus and publisher without a stream consumer: tests hand the publisher stream batches
/// themselves, the way Lambda would, and the real genre consumers receive what it publishes over RabbitMQ.
/// </summary>
public static class CatalogBus
{
    public static Task<IHost> StartAsync(
        DynamoDbOptions tables, IReadOnlyDictionary<string, string?> messaging, Action<IBusRegistrationConfigurator>? more = null) =>
        WorkerHost.StartAsync(tables, messaging, bus =>
        {
            bus.AddGenreCopies();
            more?.Invoke(bus);
        }, relay: false, services =>
        {
            services.AddSingleton(StreamRecords.Contracts);
            services.AddSingleton<IntegrationEventPublisher>();
        });

    public static IntegrationEventPublisher Publisher(this IHost host) =>
        host.Services.GetRequiredService<IntegrationEventPublisher>();
}
