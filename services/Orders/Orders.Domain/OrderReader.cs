using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microservices.Schema;
using Microservices.SingleTable;
using Microsoft.Extensions.Options;

namespace Orders.Domain;

/// <summary>An order with its lines, and where it was found.</summary>
public sealed record OrderWithLines(OrderSummary Order, IReadOnlyList<OrderLine> Lines, OrderShape Shape);

/// <summary>
/// Every strongly consistent read of orders that the Orders service and worker make, in whichever shape of migration 3
/// the table holds them (<see cref="OrderPlan"/>): one order with its lines, and all of a client's orders.
/// </summary>
public sealed class OrderReader(IAmazonDynamoDB dynamo, IOptions<DynamoDbOptions> options)
{
    private readonly string _table = options.Value.TableName;

    /// <summary>
    /// The order with its lines: one Query where the plan says to look first, and one more only when it is not there.
    /// An order of another client is not found.
    /// </summary>
    public async Task<OrderWithLines?> ReadAsync(string clientId, string orderId, OrderPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        foreach (var shape in plan.Reads)
        {
            OrderSummary? order = null;
            var lines = new List<OrderLine>();
            var query = Queries.OrderWithLines(_table, clientId, orderId, shape == OrderShape.OrderPartition);
            await foreach (var item in dynamo.QueryAllAsync(query, cancellationToken))
            {
                switch (item[Attributes.ItemType].S)
                {
                    case ItemTypes.Order:
                        order = OrderItems.ReadOrder(item);
                        break;
                    case ItemTypes.OrderLine:
                        lines.Add(OrderItems.ReadLine(item));
                        break;
                }
            }

            if (order is not null)
            {
                return order.ClientId == clientId ? new OrderWithLines(order, [.. lines.OrderBy(l => l.LineNo)], shape) : null;
            }
        }

        return null;
    }

    /// <summary>
    /// Every order of the client, each at its newest: from its partition (filtered) and, from migration 3 on, from
    /// GSI2, whose heads are then read again with strong consistency (with <paramref name="including"/>, the order
    /// that prompted the read, whose index entry may not be there yet). An order being moved may be seen in both
    /// places: it counts once, at the higher version.
    /// </summary>
    public async Task<IReadOnlyList<OrderSummary>> ClientOrdersAsync(string clientId, OrderPlan plan, string? including, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var orders = new Dictionary<string, OrderSummary>(StringComparer.Ordinal);
        void Keep(OrderSummary order)
        {
            if (!orders.TryGetValue(order.OrderId, out var seen) || seen.Version < order.Version)
            {
                orders[order.OrderId] = order;
            }
        }

        foreach (var shape in plan.Lists)
        {
            if (shape == OrderShape.ClientPartition)
            {
                await foreach (var item in dynamo.QueryAllAsync(Queries.ClientOrders(_table, clientId), cancellationToken))
                {
                    Keep(OrderItems.ReadOrder(item));
                }

                continue;
            }

            var ids = await dynamo.QueryAllAsync(Queries.ClientOrdersV3(_table, clientId), cancellationToken)
                .Select(i => i[Attributes.OrderId].S).ToHashSetAsync(StringComparer.Ordinal, cancellationToken);
            if (including is not null)
            {
                ids.Add(including);
            }

            foreach (var item in await dynamo.BatchGetAllAsync(_table, ids.Select(Keys.OrderV3), cancellationToken))
            {
                Keep(OrderItems.ReadOrder(item));
            }
        }

        return [.. orders.Values.OrderBy(o => o.OrderId, StringComparer.Ordinal)];
    }
}
