using Catalog.Domain;
using Microservices.Shared.Messaging;
using Microservices.Shared.Streams;

namespace Catalog.Worker;

public static class CatalogWorkerModule
{
    /// <summary>Checkpoints of the stream consumer that publishes Catalog's events.</summary>
    public const string PublisherName = "catalog-integration-events";

    /// <summary>
    /// The Catalog worker: publishes Catalog's events from the table's stream, and consumes them to keep the genre
    /// copies and the authors' book counts. The bus is registered first, so its queues exist before the first event
    /// is published.
    /// </summary>
    public static IServiceCollection AddCatalogWorker(
        this IServiceCollection services, IConfiguration configuration, Action<StreamConsumerOptions>? configureStream = null)
    {
        services.AddMessaging(configuration, bus =>
        {
            bus.AddGenreCopies();
            bus.AddBookCount();
        });
        return services.AddIntegrationEventPublisher<CatalogIntegrationEvents>(PublisherName, configureStream);
    }
}
