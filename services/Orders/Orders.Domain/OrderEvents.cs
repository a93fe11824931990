using Microservices.EventSourcing;

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

    public static EventTypeMap Types { get; } = new EventTypeMap()
        .Add<OrderPlaced>("order.placed.v1")
        .Add<OrderPaid>("order.paid.v1")
        .Add<OrderShipped>("order.shipped.v1")
        .Add<OrderCancelled>("order.cancelled.v1");

    public static StreamName Order(string orderId) => new(OrderStream, orderId);
}
