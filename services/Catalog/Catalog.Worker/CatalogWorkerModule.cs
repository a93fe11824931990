using Catalog.Domain;
using MassTransit;
using Microservices.Messaging;

namespace Catalog.Worker;

public static class CatalogWorkerModule
{
    /// <summary>
    /// The Catalog worker: consumers only. Catalog's events reach the broker through the one event relay
    /// (services/EventRelay); this worker keeps the genre copies and the authors' book counts from them.
    /// </summary>
    public static IServiceCollection AddCatalogWorker(this IServiceCollection services, IConfiguration configuration) =>
        services.AddMessaging(configuration, bus => bus.AddCatalogProjections());

    /// <summary>The Catalog consumers, for a host that runs several services' consumers on one bus.</summary>
    public static IBusRegistrationConfigurator AddCatalogProjections(this IBusRegistrationConfigurator bus)
    {
        bus.AddGenreCopies();
        bus.AddBookCount();
        return bus;
    }
}
