using Amazon.DynamoDBv2;
using Microservices.Contracts;
using Microservices.EventSourcing;
using Microservices.Messaging;
using Microservices.SingleTable;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orders.Api;
using Orders.Domain;
using Orders.Worker;

namespace Microservices.Tests.Infrastructure;

/// <summary>
/// The real Orders service in memory, on its own tables in DynamoDB Local, its DynamoDB client behind a
/// <see cref="DynamoDbSpy"/>.
/// </summary>
public sealed class OrdersApi(DynamoDbOptions tables) : WebApplicationFactory<OrdersService>
{
    private readonly AmazonDynamoDBClient _client = DynamoDbLocalFixture.CreateClient(tables);
    private DynamoDbSpy? _spy;

    public DynamoDbOptions Tables { get; } = tables;

    public DynamoDbSpy Spy => _spy ?? throw new InvalidOperationException("The server has not started.");

    protected override void ConfigureWebHost(IWebHostBuilder builder) =>
        builder
            .ConfigureAppConfiguration(config => config.AddInMemoryCollection(Settings.Of(Tables)))
            .ConfigureTestServices(services =>
            {
                var (client, spy) = DynamoDbSpy.Wrap(_client);
                _spy = spy;
                services.AddSingleton(client);
            });

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _client.Dispose();
        }
    }
}

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
