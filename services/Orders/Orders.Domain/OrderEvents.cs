using Microservices.Contracts.Orders;
using Microservices.EventSourcing;
using Microservices.SingleTable;

namespace Orders.Domain;

/// <summary>One line as ordered: the book's title and price as they were then (a snapshot, never rewritten).</summary>
public sealed record OrderLine(int LineNo, string BookId, string AuthorId, string Title, decimal Price, int Quantity)
{
    public decimal Amount => Price * Quantity;
}

public sealed record OrderPlaced(string OrderId, string ClientId, IReadOnlyList<OrderLine> Lines, DateTimeOffset PlacedAt);

public sealed record OrderPaid(string OrderId, string ClientId);

public sealed record OrderShipped(string OrderId, string ClientId);

public sealed record OrderCancelled(string OrderId, string ClientId);

public static class OrderEvents
{
    public const string OrderStream = "order";

    /// <summary>Orders' events, each with the integration contract other services (and Orders' own worker) read.</summary>
    public static EventTypeMap Types { get; } = new EventTypeMap()
        .Add<OrderPlaced>("order.placed.v1", (e, at) => new OrderPlacedV1(
            at.EventId, at.StreamId, at.Version, at.RecordedAt, e.OrderId, e.ClientId,
            [.. e.Lines.Select(l => new OrderLineV1(l.LineNo, l.BookId, l.AuthorId, l.Title, l.Price, l.Quantity))],
            e.Lines.Sum(l => l.Amount),
            e.PlacedAt))
        .Add<OrderPaid>("order.paid.v1", (e, at) => new OrderPaidV1(at.EventId, at.StreamId, at.Version, at.RecordedAt, e.OrderId, e.ClientId))
        .Add<OrderShipped>("order.shipped.v1", (e, at) => new OrderShippedV1(at.EventId, at.StreamId, at.Version, at.RecordedAt, e.OrderId, e.ClientId))
        .Add<OrderCancelled>("order.cancelled.v1", (e, at) => new OrderCancelledV1(at.EventId, at.StreamId, at.Version, at.RecordedAt, e.OrderId, e.ClientId));

    public static StreamName Order(string orderId) => new(OrderStream, orderId);
}
