using Catalog.Worker;
using EventRelay;
using MassTransit;
using Microservices.Messaging;
using Microservices.SingleTable;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Microservices.Tests.Infrastructure;

/// <summary>
/// The real workers in this process: the event relay that publishes every service's events to RabbitMQ, and the
/// Catalog consumers that keep the genre copies and book counts.
/// </summary>
public static class GenreWorker
{
    /// <param name="bus">More registrations on the workers' bus, such as delivery faults on the consumers.</param>
    /// <param name="services">Last changes to the host's services, such as a faulty DynamoDB client.</param>
    public static async Task<IHost> StartAsync(
        DynamoDbOptions tables,
        IReadOnlyDictionary<string, string?> messaging,
        Action<IBusRegistrationConfigurator>? bus = null,
        Action<IServiceCollection>? services = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(Settings.Of(tables)).AddInMemoryCollection(messaging);
        builder.Services.AddDynamoDb();
        builder.Services.AddMessaging(builder.Configuration, registrations =>
        {
            registrations.AddCatalogProjections();
            bus?.Invoke(registrations);
        });
        builder.Services.AddEventRelay(options => options.ShardDiscoveryInterval = TimeSpan.FromSeconds(1));
        services?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
