using MassTransit;
using Microservices.Contracts;
using Microservices.Contracts.Catalog;
using Microservices.Messaging;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Catalog.Worker;

public static class GenreCopiesModule
{
    /// <summary>
    /// One queue for every genre consumer: the genre copies are one projection, with one error queue. Its messages are
    /// handled in order per author (every copy of an author's books carries the author's name), authors concurrently.
    /// </summary>
    public const string EndpointName = Subscriptions.GenreCopies;

    public static IBusRegistrationConfigurator AddGenreCopies(this IBusRegistrationConfigurator bus)
    {
        ArgumentNullException.ThrowIfNull(bus);
        bus.TryAddSingleton<GenreCopyWriter>();
        bus.AddConsumer<BookAddedConsumer>().Endpoint(endpoint => endpoint.Name = EndpointName);
        bus.AddConsumer<AuthorRenamedConsumer>().Endpoint(endpoint => endpoint.Name = EndpointName);
        bus.AddConsumer<BookChangedConsumer>().Endpoint(endpoint => endpoint.Name = EndpointName);
        bus.PartitionBy<BookAddedV1>(EndpointName, m => m.AuthorId)
            .PartitionBy<AuthorRenamedV1>(EndpointName, m => m.AuthorId)
            .PartitionBy<BookPriceChangedV1>(EndpointName, m => m.AuthorId)
            .PartitionBy<BookRetitledV1>(EndpointName, m => m.AuthorId)
            .PartitionBy<BookGenreChangedV1>(EndpointName, m => m.AuthorId)
            .PartitionBy<BookDeletedV1>(EndpointName, m => m.AuthorId);
        return bus;
    }
}
