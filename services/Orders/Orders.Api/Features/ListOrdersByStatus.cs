using Amazon.DynamoDBv2;

namespace Orders.Api.Features;

public sealed record ListOrdersByStatus(string? Status, string? Limit, string? Cursor) : IQuery<Page<OrderView>>, IValidatable
{
    /// <summary>
    /// A cursor of this list is an order's table and index key in this status, its head in either shape of migration 3
    /// (PK = CLIENT#... SK = ORDER#..., or PK = ORDER#... SK = ORDER): one of another status is refused.
    /// </summary>
    public CursorShape Shape => new(
        [Attributes.PK, Attributes.SK, Attributes.GSI1PK, Attributes.GSI1SK],
        [(Attributes.GSI1PK, Keys.OrderStatusIndexKey(Status!))],
        [
            (Attributes.PK, TableSchema.Order.PartitionKey.Prefix), (Attributes.PK, TableSchema.OrderV3.PartitionKey.Prefix),
            (Attributes.SK, Keys.OrdersPrefix), (Attributes.SK, TableSchema.OrderV3.SortKey.Prefix),
        ]);

    public void Validate(Validation validation)
    {
        ArgumentNullException.ThrowIfNull(validation);
        if (validation.Require(OrderStatuses.TryParse(Status, out _), "status", "status must be one of placed, paid, shipped, cancelled.").IsValid)
        {
            validation.Page(Limit, Cursor, Shape);
        }
    }
}

/// <summary>
/// Orders in one status, oldest first (the order to work them in): one Query on GSI1, whose key the order item moves
/// in the transaction of every status change. Only order items carry GSI1 keys of this kind, so no filter is needed.
/// The index is eventually consistent.
/// </summary>
public sealed class ListOrdersByStatusHandler(IAmazonDynamoDB dynamo, IOptions<DynamoDbOptions> options)
    : IQueryHandler<ListOrdersByStatus, Page<OrderView>>
{
    public async ValueTask<Page<OrderView>> Handle(ListOrdersByStatus query, CancellationToken cancellationToken)
    {
        var (items, next) = await dynamo.QueryPageAsync(
            Queries.IndexPartition(options.Value.TableName, Keys.OrderStatusIndexKey(query.Status!)),
            Pages.Read(query.Limit, query.Cursor, query.Shape), query.Shape, cancellationToken);
        return new Page<OrderView>(items.Select(i => OrderView.From(OrderItems.ReadOrder(i))).ToList(), next);
    }
}

public static class ListOrdersByStatusEndpoint
{
    public static void MapListOrdersByStatus(this RouteGroupBuilder orders) =>
        orders.MapGet("", async (string? status, string? limit, string? cursor, IMediator mediator, CancellationToken cancellationToken) =>
                TypedResults.Ok(await mediator.Send(new ListOrdersByStatus(status, limit, cursor), cancellationToken)))
            .WithName("ListOrdersByStatus")
            .RequireStaff();
}
