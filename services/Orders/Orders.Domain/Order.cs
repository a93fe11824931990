using Microservices.EventSourcing;
using Microservices.SingleTable;

namespace Orders.Domain;

/// <summary>placed -> paid -> shipped, and placed | paid -> cancelled. None: the order does not exist.</summary>
public enum OrderStatus
{
    None,
    Placed,
    Paid,
    Shipped,
    Cancelled,
}

/// <summary>An order's state: the fold of its events. Version 0 means the order does not exist.</summary>
public sealed record Order(
    string OrderId, string ClientId, OrderStatus Status, IReadOnlyList<OrderLine> Lines, DateTimeOffset PlacedAt, long Version)
    : IAggregateState
{
    /// <summary>Every order holds at most this many lines, so its transactions stay well under 100 items.</summary>
    public const int MaxLines = 40;

    public static Order None(string orderId) => new(orderId, "", OrderStatus.None, [], default, 0);

    public bool Exists => Version > 0;

    public decimal Total => Lines.Sum(l => l.Amount);

    /// <summary>An order lives in its client's partition: another client's order is not at that address (404).</summary>
    public Order OfClient(string clientId) => Exists && ClientId != clientId ? throw new NotFoundException("Order", OrderId) : this;

    public static Order Fold(string orderId, IEnumerable<object> events) => events.Aggregate(None(orderId), Apply);

    public static Order Apply(Order state, object @event) => @event switch
    {
        OrderPlaced e => state with
        {
            ClientId = e.ClientId, Lines = e.Lines, PlacedAt = e.PlacedAt, Status = OrderStatus.Placed, Version = state.Version + 1,
        },
        OrderPaid => state with { Status = OrderStatus.Paid, Version = state.Version + 1 },
        OrderShipped => state with { Status = OrderStatus.Shipped, Version = state.Version + 1 },
        OrderCancelled => state with { Status = OrderStatus.Cancelled, Version = state.Version + 1 },
        _ => state with { Version = state.Version + 1 },
    };

    public static IReadOnlyList<object> Place(Order state, string clientId, IReadOnlyList<OrderLine> lines, DateTimeOffset placedAt)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(lines);
        if (state.Exists)
        {
            throw new ConflictException($"Order '{state.OrderId}' already exists.");
        }

        if (lines.Count is 0 or > MaxLines)
        {
            throw new ArgumentException($"An order has 1 to {MaxLines} lines.", nameof(lines));
        }

        if (lines.Any(l => l.Quantity < 1 || l.Price < 0))
        {
            throw new ArgumentException("Every line needs a quantity of at least 1 and a price of at least 0.", nameof(lines));
        }

        return [new OrderPlaced(state.OrderId, clientId, lines, placedAt)];
    }

    public static IReadOnlyList<object> Pay(Order state, long expectedVersion) =>
        Transition(state, expectedVersion, "be paid", [OrderStatus.Placed], new OrderPaid(state.OrderId, state.ClientId));

    public static IReadOnlyList<object> Ship(Order state, long expectedVersion) =>
        Transition(state, expectedVersion, "be shipped", [OrderStatus.Paid], new OrderShipped(state.OrderId, state.ClientId));

    public static IReadOnlyList<object> Cancel(Order state, long expectedVersion) =>
        Transition(state, expectedVersion, "be cancelled", [OrderStatus.Placed, OrderStatus.Paid], new OrderCancelled(state.OrderId, state.ClientId));

    private static IReadOnlyList<object> Transition(
        Order state, long expectedVersion, string action, OrderStatus[] from, object @event)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!state.Exists)
        {
            throw new NotFoundException("Order", state.OrderId);
        }

        if (state.Version != expectedVersion)
        {
            throw new VersionConflictException(OrderEvents.Order(state.OrderId).ToString(), state.Version);
        }

        return from.Contains(state.Status)
            ? [@event]
            : throw new ConflictException($"Order '{state.OrderId}' is {OrderStatuses.Name(state.Status)}; only a {string.Join(" or ", from.Select(OrderStatuses.Name))} order can {action}.");
    }
}

/// <summary>Statuses as they appear in the API, the items and the index keys.</summary>
public static class OrderStatuses
{
    public static string Name(OrderStatus status) => status switch
    {
        OrderStatus.Placed => "placed",
        OrderStatus.Paid => "paid",
        OrderStatus.Shipped => "shipped",
        OrderStatus.Cancelled => "cancelled",
        _ => "none",
    };

    public static bool TryParse(string? name, out OrderStatus status)
    {
        status = name switch
        {
            "placed" => OrderStatus.Placed,
            "paid" => OrderStatus.Paid,
            "shipped" => OrderStatus.Shipped,
            "cancelled" => OrderStatus.Cancelled,
            _ => OrderStatus.None,
        };
        return status != OrderStatus.None;
    }
}
