using Catalog.Domain;
using Clients.Domain;
using Microservices.EventSourcing;
using Microservices.Messaging;
using Microservices.Streams;
using Orders.Domain;

namespace EventRelay;

public static class EventRelayModule
{
    /// <summary>The relay's stream consumer: its leases, checkpoints and dead letters go by this name.</summary>
    public const string ConsumerName = "integration-events";

    /// <summary>
    /// The one reader of the table's stream that every service shares: it publishes each service's events as that
    /// service's integration contracts. DynamoDB Streams serves at most two readers per shard, so the services
    /// subscribe on the broker instead of reading the stream themselves. Needs AddMessaging before it.
    /// </summary>
    public static IServiceCollection AddEventRelay(this IServiceCollection services, Action<StreamConsumerOptions>? configure = null)
    {
        services.AddIntegrationEventMap<CatalogIntegrationEvents>();
        services.AddIntegrationEventMap<ClientsIntegrationEvents>();
        services.AddIntegrationEventMap<OrdersIntegrationEvents>();
        return services.AddIntegrationEventPublisher<IntegrationEventMaps>(ConsumerName, configure);
    }
}
