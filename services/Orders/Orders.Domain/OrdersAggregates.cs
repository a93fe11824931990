using Amazon.DynamoDBv2.Model;
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
        var (before, after) = (change.Before, change.After);
        var key = Keys.Order(after.ClientId, after.OrderId);
        var status = OrderStatuses.Name(after.Status);
        yield return new GuardedWrite(
            new TransactWriteItem
            {
                Update = new Update
                {
                    TableName = change.Table,
                    Key = new() { [Attributes.PK] = new(key.PK), [Attributes.SK] = new(key.SK) },
                    UpdateExpression = "SET #status = :status, GSI1PK = :gsi1pk, Version = :version",
                    ConditionExpression = "Version = :expected",
                    ExpressionAttributeNames = new() { ["#status"] = Attributes.Status },
                    ExpressionAttributeValues = new()
                    {
                        [":status"] = new(status),
                        [":gsi1pk"] = new(Keys.OrderStatusIndexKey(status)),
                        [":version"] = OrderItems.Number(after.Version),
                        [":expected"] = OrderItems.Number(before.Version),
                    },
                },
            },
            () => new VersionConflictException(change.Stream.ToString(), before.Version));
    }
}
