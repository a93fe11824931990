using Microservices.Contracts;
using Microservices.Messaging;
using Microservices.Streams;

namespace EventRelay;

public static class EventRelayModule
{
    /// <summary>The relay's stream consumer: its leases, checkpoints and dead letters go by this name.</summary>
    public const string ConsumerName = "integration-events";

    /// <summary>
    /// The one reader of the table's stream that every service shares: it publishes each event item as the integration
    /// contract its service recorded with it, and knows no service. DynamoDB Streams serves at most two readers per
    /// shard, so the services subscribe on the broker instead of reading the stream themselves. Before it reads, it
    /// declares every subscriber's queue and bindings, so no start order loses an event. Needs AddMessaging before it.
    /// </summary>
    /// <remarks>
    /// Four batches of a shard are published at once (<see cref="StreamConsumerOptions.ParallelizationFactor"/>),
    /// ordered by partition key (<see cref="MessagingServiceCollectionExtensions.AddIntegrationEventPublisher"/>), so the events of one stream still reach the broker in their order. Configuration
    /// (<c>StreamConsumers:integration-events:ParallelizationFactor</c>) overrides it.
    /// </remarks>
    public static IServiceCollection AddEventRelay(this IServiceCollection services, Action<StreamConsumerOptions>? configure = null) =>
        services.AddIntegrationEventPublisher(ConsumerName, IntegrationEventTypes.All, Subscriptions.Queues, options =>
        {
            options.ParallelizationFactor = DefaultParallelizationFactor;
            configure?.Invoke(options);
        });

    /// <summary>The relay's batches of one shard in flight at once.</summary>
    public const int DefaultParallelizationFactor = 4;
}
