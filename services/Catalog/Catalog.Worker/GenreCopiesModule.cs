using MassTransit;
using Microservices.Contracts;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Catalog.Worker;

public static class GenreCopiesModule
{
    /// <summary>One queue for every genre consumer: the genre copies are one projection, with one error queue.</summary>
    public const string EndpointName = Subscriptions.GenreCopies;

    public static IBusRegistrationConfigurator AddGenreCopies(this IBusRegistrationConfigurator bus)
    {
        ArgumentNullException.ThrowIfNull(bus);
        bus.TryAddSingleton<GenreCopyWriter>();
        bus.AddConsumer<BookAddedConsumer>().Endpoint(endpoint => endpoint.Name = EndpointName);
        bus.AddConsumer<AuthorRenamedConsumer>().Endpoint(endpoint => endpoint.Name = EndpointName);
        bus.AddConsumer<BookChangedConsumer>().Endpoint(endpoint => endpoint.Name = EndpointName);
        return bus;
    }
}
