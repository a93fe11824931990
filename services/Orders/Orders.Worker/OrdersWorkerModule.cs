using MassTransit;
using Microservices.Contracts;
using Microservices.Contracts.Clients;
using Microservices.Contracts.Orders;
using Microservices.EventSourcing;
using Microservices.Messaging;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orders.Domain;

namespace Orders.Worker;

public static class OrdersWorkerModule
{
    /// <summary>
    /// One queue for the Orders projections (client copies and aggregates), with one error queue. Its messages are
    /// handled in order per client (the client's copies and stats), clients concurrently.
    /// </summary>
    public const string EndpointName = Subscriptions.OrderProjections;

    /// <summary>
    /// The Orders worker: consumers only. Orders' events reach the broker through the one stream relay, which publishes
    /// the contracts Orders recorded with them (<c>OrderEvents.Types</c>); this process reads no stream.
    /// </summary>
    public static IServiceCollection AddOrdersWorker(this IServiceCollection services, IConfiguration configuration) =>
        services.AddMessaging(configuration, bus => bus.AddOrderProjections());

    public static IBusRegistrationConfigurator AddOrderProjections(this IBusRegistrationConfigurator bus)
    {
        ArgumentNullException.ThrowIfNull(bus);
        bus.AddOrderLayout();
        bus.TryAddSingleton<ClientCopyWriter>();
        bus.TryAddSingleton<OrderAggregates>();
        bus.AddConsumer<ClientDetailsChangedConsumer>().Endpoint(endpoint => endpoint.Name = EndpointName);
        bus.AddConsumer<OrderPlacedConsumer>().Endpoint(endpoint => endpoint.Name = EndpointName);
        bus.AddConsumer<OrderCancelledConsumer>().Endpoint(endpoint => endpoint.Name = EndpointName);
        bus.PartitionBy<ClientDetailsChangedV1>(EndpointName, m => m.ClientId)
            .PartitionBy<OrderPlacedV1>(EndpointName, m => m.ClientId)
            .PartitionBy<OrderCancelledV1>(EndpointName, m => m.ClientId);
        return bus;
    }
}
