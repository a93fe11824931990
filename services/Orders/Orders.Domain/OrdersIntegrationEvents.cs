using Microservices.Contracts.Orders;
using Microservices.EventSourcing;

namespace Orders.Domain;

/// <summary>Orders' stored events and the integration contracts other services (and its own worker) read.</summary>
public sealed class OrdersIntegrationEvents : IIntegrationEventMap
{
    public object? ToContract(StoredEvent stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (!OrderEvents.Types.Knows(stored.EventType))
        {
            return null; // another service's event in the shared table
        }

        return OrderEvents.Types.Deserialize(stored.EventType, stored.Data) switch
        {
            OrderPlaced e => new OrderPlacedV1(
                stored.EventId, stored.Stream, stored.Version, stored.RecordedAt, e.OrderId, e.ClientId,
                [.. e.Lines.Select(l => new OrderLineV1(l.LineNo, l.BookId, l.AuthorId, l.Title, l.Price, l.Quantity))],
                e.Lines.Sum(l => l.Amount),
                e.PlacedAt),
            OrderPaid e => new OrderPaidV1(stored.EventId, stored.Stream, stored.Version, stored.RecordedAt, e.OrderId, e.ClientId),
            OrderShipped e => new OrderShippedV1(stored.EventId, stored.Stream, stored.Version, stored.RecordedAt, e.OrderId, e.ClientId),
            OrderCancelled e => new OrderCancelledV1(stored.EventId, stored.Stream, stored.Version, stored.RecordedAt, e.OrderId, e.ClientId),
            var other => throw new InvalidOperationException($"Orders event {other.GetType().Name} has no integration contract."),
        };
    }
}
