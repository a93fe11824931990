using System.Collections.Concurrent;
using MassTransit;
using Microservices.Contracts;
using Microservices.Contracts.Clients;
using Microservices.Messaging;
using Microservices.SingleTable;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Microservices.Tests.Infrastructure;

/// <summary>
/// A test host that publishes the contracts recorded on the table's event items, as the relay does, under a consumer
/// name of its own, and a RabbitMQ consumer that receives the Clients contracts.
/// </summary>
public static class ClientsPublisher
{
    public static async Task<IHost> StartAsync(DynamoDbOptions tables, IReadOnlyDictionary<string, string?> messaging)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(Settings.Of(tables)).AddInMemoryCollection(messaging);
        builder.Services.AddDynamoDb();
        builder.Services.AddSingleton<ReceivedClientContracts>();
        builder.Services.AddMessaging(builder.Configuration, bus => bus.AddConsumer<ClientContractsConsumer>());
        builder.Services.AddIntegrationEventPublisher($"clients-test-{Guid.NewGuid():N}", IntegrationEventTypes.All, Subscriptions.Queues, options =>
        {
            options.ShardDiscoveryInterval = TimeSpan.FromMilliseconds(300);
            options.PollInterval = TimeSpan.FromMilliseconds(50);
        });
        var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        return host;
    }

    public static ReceivedClientContracts Received(this IHost host) => host.Services.GetRequiredService<ReceivedClientContracts>();
}

/// <summary>Every Clients contract the RabbitMQ consumer received, in the order it received them.</summary>
public sealed class ReceivedClientContracts
{
    private readonly ConcurrentQueue<IIntegrationEvent> _received = new();

    public IReadOnlyList<IIntegrationEvent> All => [.. _received];

    public void Add(IIntegrationEvent contract) => _received.Enqueue(contract);
}

public sealed class ClientContractsConsumer(ReceivedClientContracts received) : IConsumer<ClientRegisteredV1>, IConsumer<ClientDetailsChangedV1>
{
    public Task Consume(ConsumeContext<ClientRegisteredV1> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        received.Add(context.Message);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<ClientDetailsChangedV1> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        received.Add(context.Message);
        return Task.CompletedTask;
    }
}
