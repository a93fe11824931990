using Amazon.DynamoDBv2;

namespace Orders.Api.Features;

public sealed record ListClientOrders(string ClientId, string? Limit, string? Cursor) : IQuery<Page<OrderView>>, IValidatable
{
    /// <summary>A cursor of this list is the key of an order of this client: another client's cursor is refused.</summary>
    public CursorShape Shape => new(
        [Attributes.PK, Attributes.SK],
        [(Attributes.PK, Keys.ClientPartition(ClientId))],
        [(Attributes.SK, Keys.OrdersPrefix)]);

    public void Validate(Validation validation) => validation.Page(Limit, Cursor, Shape);
}

/// <summary>
/// A client's orders, newest first: ORDER#{UUIDv7} sorts by time, read backwards. Lines sit right after their order
/// under the same prefix (so that one Query reads an order with its lines), and no key condition can leave them out;
/// a filter on ItemType does. Filtered lines still cost reads and still count toward a page's Limit, so the handler
/// reads on until it has a page of orders, and the cursor is the last order returned (not DynamoDB's last key, which
/// may be a line): going on backwards from ORDER#{id} skips that order's lines, which sort after it.
/// </summary>
public sealed class ListClientOrdersHandler(IAmazonDynamoDB dynamo, IOptions<DynamoDbOptions> options)
    : IQueryHandler<ListClientOrders, Page<OrderView>>
{
    public async ValueTask<Page<OrderView>> Handle(ListClientOrders query, CancellationToken cancellationToken)
    {
        var request = Queries.ClientOrders(options.Value.TableName, query.ClientId, consistentRead: false);
        request.ScanIndexForward = false;
        var (items, next) = await dynamo.QueryPageAsync(
            request, Pages.Read(query.Limit, query.Cursor, query.Shape), query.Shape, cancellationToken);
        return new Page<OrderView>(items.Select(i => OrderView.From(OrderItems.ReadOrder(i))).ToList(), next);
    }
}

public static class ListClientOrdersEndpoint
{
    public static void MapListClientOrders(this RouteGroupBuilder orders) =>
        orders.MapGet("", async (string clientId, string? limit, string? cursor, IMediator mediator, CancellationToken cancellationToken) =>
                TypedResults.Ok(await mediator.Send(new ListClientOrders(Ids.Require(clientId, "Client"), limit, cursor), cancellationToken)))
            .WithName("ListClientOrders");
}
