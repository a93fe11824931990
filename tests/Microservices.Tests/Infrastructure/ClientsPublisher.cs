using System.Collections.Concurrent;
using Microservices.Contracts;
using Microservices.Contracts.Clients;

namespace Microservices.Tests.Infrastructure;

/// <summary>The one relay, and a RabbitMQ consumer that receives the Clients contracts it publishes.</summary>
public static class ClientsPublisher
{
    public static Task<IHost> StartAsync(DynamoDbOptions tables, IReadOnlyDictionary<string, string?> messaging) =>
        WorkerHost.StartAsync(tables, messaging, bus => bus.AddConsumer<ClientContractsConsumer>(), relay: true,
            services => services.AddSingleton<ReceivedClientContracts>());

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
