using Catalog.Worker;
using MassTransit;
using Microservices.Messaging;
using Microservices.SingleTable;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Microservices.Tests.Infrastructure;

/// <summary>
/// The Catalog worker's bus and publisher without its stream consumer: tests hand the publisher stream batches
/// themselves, the way Lambda would, and the real genre consumers receive what it publishes over RabbitMQ.
/// </summary>
public static class CatalogBus
{
    public static async Task<IHost> StartAsync(
        DynamoDbOptions tables, IReadOnlyDictionary<string, string?> messaging, Action<IBusRegistrationConfigurator>? more = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(Settings.Of(tables)).AddInMemoryCollection(messaging);
        builder.Services.AddDynamoDb();
        builder.Services.AddMessaging(builder.Configuration, bus =>
        {
            bus.AddGenreCopies();
            more?.Invoke(bus);
        });
        builder.Services.AddSingleton(StreamRecords.Contracts);
        builder.Services.AddSingleton<IntegrationEventPublisher>();
        var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        return host;
    }

    public static IntegrationEventPublisher Publisher(this IHost host) =>
        host.Services.GetRequiredService<IntegrationEventPublisher>();
}
