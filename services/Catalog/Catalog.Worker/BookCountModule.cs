using MassTransit;
using Microservices.Contracts;
using Microservices.Contracts.Catalog;
using Microservices.Messaging;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Catalog.Worker;

public static class BookCountModule
{
    /// <summary>
    /// The book count's own queue: it gets its own copy of each message, and its own error queue. Its messages are
    /// handled in order per author (one count item each), authors concurrently.
    /// </summary>
    public const string EndpointName = Subscriptions.BookCounts;

    public static IBusRegistrationConfigurator AddBookCount(this IBusRegistrationConfigurator bus)
    {
        ArgumentNullException.ThrowIfNull(bus);
        bus.TryAddSingleton<BookCountWriter>();
        bus.AddConsumer<BookCountConsumer>().Endpoint(endpoint => endpoint.Name = EndpointName);
        bus.PartitionBy<AuthorRegisteredV1>(EndpointName, m => m.AuthorId)
            .PartitionBy<AuthorDeletedV1>(EndpointName, m => m.AuthorId)
            .PartitionBy<BookAddedV1>(EndpointName, m => m.AuthorId)
            .PartitionBy<BookDeletedV1>(EndpointName, m => m.AuthorId);
        return bus;
    }
}
