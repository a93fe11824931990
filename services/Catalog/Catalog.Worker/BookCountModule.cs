using MassTransit;
using Microservices.Contracts;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Catalog.Worker;

public static class BookCountModule
{
    /// <summary>The book count's own queue: it gets its own copy of each message, and its own error queue.</summary>
    public const string EndpointName = Subscriptions.BookCounts;

    public static IBusRegistrationConfigurator AddBookCount(this IBusRegistrationConfigurator bus)
    {
        ArgumentNullException.ThrowIfNull(bus);
        bus.TryAddSingleton<BookCountWriter>();
        bus.AddConsumer<BookCountConsumer>().Endpoint(endpoint => endpoint.Name = EndpointName);
        return bus;
    }
}
