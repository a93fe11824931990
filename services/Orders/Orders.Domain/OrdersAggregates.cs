using Microservices.EventSourcing;
using Microservices.Schema;
using Microservices.SingleTable;

namespace Orders.Domain;

/// <summary>The order for the command runner.</summary>
public static class OrdersAggregates
{
    /// <summary>
    /// A status change updates the order item's status and moves it in GSI1, conditioned on the version loaded, and
    /// leaves the worker's client copies alone. Placing an order puts the item with those copies, which only the
    /// command that read the client has: it passes its own canonical write.
    /// </summary>
    public static Aggregate<Order> Orders { get; } = new(OrderEvents.Order, Order.None, Order.Apply, StatusUpdate);

    private static IEnumerable<GuardedWrite> StatusUpdate(Change<Order> change)
    {
        var after = change.After;
        var key = Keys.Order(after.ClientId, after.OrderId);
        var status = OrderStatuses.Name(after.Status);
        yield return CanonicalWrite.Update(
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
