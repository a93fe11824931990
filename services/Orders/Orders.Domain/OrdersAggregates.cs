using Microservices.EventSourcing;
using Microservices.Schema;
using Microservices.SingleTable;

namespace Orders.Domain;

/// <summary>The order for the command runner.</summary>
public static class OrdersAggregates
{
    /// <summary>
    /// Every command names its own canonical write: placing an order puts the item with the client's copies, which only
    /// the command that read the client has, in the shape migration 3 says; a status change updates the head where
    /// it is (<see cref="StatusUpdate"/>), which only the command knows.
    /// </summary>
    public static Aggregate<Order> Orders { get; } = new(OrderEvents.Order, Order.None, Order.Apply,
        _ => throw new InvalidOperationException("An order's command names its canonical write: where the order's head is."));

    /// <summary>
    /// A status change updates the order head's status and moves it in GSI1, conditioned on the version loaded, and
    /// leaves the worker's client copies alone. The head is updated at its key in <paramref name="shape"/>; where it is
    /// not, the condition fails like a stale version, and the command looks in the other place.
    /// </summary>
    public static GuardedWrite StatusUpdate(Change<Order> change, OrderShape shape)
    {
        ArgumentNullException.ThrowIfNull(change);
        var after = change.After;
        var key = OrderItems.HeadKey(after.ClientId, after.OrderId, shape);
        var status = OrderStatuses.Name(after.Status);
        return CanonicalWrite.Update(
            change.Table,
            new()
            {
                [Attributes.PK] = new(key.PK),
                [Attributes.SK] = new(key.SK),
                [Attributes.Status] = new(status),
                [Attributes.GSI1PK] = new(Keys.OrderStatusIndexKey(status)),
                [Attributes.Version] = OrderItems.Number(after.Version),
            },
            change.Stream,
            change.Before.Version);
    }
}
