using Microservices.Contracts;
using Microservices.Messaging;
using Microservices.SingleTable;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orders.Domain;
using Orders.Worker;

namespace Microservices.Tests.Infrastructure;

/// <summary>
/// The real Orders worker's consumers in this process, on RabbitMQ; with <paramref name="publisherName"/>, also a
/// test-only stream publisher under a name of its own that publishes as the relay does.
/// </summary>
public static class OrdersWorker
{
    public static async Task<IHost> StartAsync(DynamoDbOptions tables, IReadOnlyDictionary<string, string?> messaging, string? publisherName = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(Settings.Of(tables)).AddInMemoryCollection(messaging);
        builder.Services.AddDynamoDb();
        builder.Services.AddOrdersWorker(builder.Configuration);
        if (publisherName is not null)
        {
            builder.Services.AddIntegrationEventPublisher(publisherName, IntegrationEventTypes.All, Subscriptions.Queues, options =>
            {
                options.ShardDiscoveryInterval = TimeSpan.FromMilliseconds(500);
                options.PollInterval = TimeSpan.FromMilliseconds(50);
            });
        }

        var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        return host;
    }
}
