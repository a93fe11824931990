using Amazon.DynamoDBv2;

namespace Orders.Api.Features;

public sealed record ListClientOrders(string ClientId, string? Limit, string? Cursor, Caller Caller) : IQuery<Page<OrderView>>, IValidatable
{
    /// <summary>
    /// A cursor of this list is the key the last order returned has in its client's partition (ORDER#{orderId}), in
    /// either shape of migration 3, so a cursor issued before a migration goes on after it; another client's is refused.
    /// </summary>
    public CursorShape Shape => new(
        [Attributes.PK, Attributes.SK],
        [(Attributes.PK, Keys.ClientPartition(ClientId))],
        [(Attributes.SK, Keys.OrdersPrefix)]);

    public void Validate(Validation validation)
    {
        ArgumentNullException.ThrowIfNull(validation);
        if (validation.Page(Limit, Cursor, Shape).IsValid && Cursor is not null)
        {
            validation.Require(Keys.OrderIdOf(Pages.Read(Limit, Cursor, Shape).Start![Attributes.SK].S) is not null, "cursor", Pages.CursorError);
        }
    }
}

/// <summary>
/// A client's orders, newest first: a UUIDv7 id sorts by time, read backwards. Before migration 3 they are in the
/// client's partition, where lines sit right after their order under the same prefix (so that one Query reads an
/// order with its lines), and no key condition can leave them out: a filter on ItemType does, and the filtered lines
/// still cost reads and count toward a page's Limit, so the list reads on until it has a page of orders. After it,
/// one Query of GSI2, where only heads are. While it runs, both, merged by id (an order seen in both is shown once).
/// The cursor is the last order returned, as its key in the client's partition.
/// </summary>
public sealed class ListClientOrdersHandler(IAmazonDynamoDB dynamo, IOptions<DynamoDbOptions> options, OrderLayout layout)
    : IQueryHandler<ListClientOrders, Page<OrderView>>
{
    public async ValueTask<Page<OrderView>> Handle(ListClientOrders query, CancellationToken cancellationToken)
    {
        // The list is the client's own partition (and the cursor is tied to it): another client's is a 404.
        query.Caller.RequireOwner(query.ClientId, "Client", query.ClientId);
        var page = Pages.Read(query.Limit, query.Cursor, query.Shape);
        var after = page.Start is null ? null : Keys.OrderIdOf(page.Start[Attributes.SK].S);
        var orders = new Dictionary<string, OrderSummary>(StringComparer.Ordinal);
        var more = false;
        foreach (var shape in (await layout.CurrentAsync(cancellationToken)).Lists)
        {
            var (items, next) = await dynamo.QueryPageAsync(Source(query.ClientId, shape, after), new PageRequest(page.Limit, Start(query.ClientId, shape, after)), query.Shape, cancellationToken);
            more |= next is not null;
            foreach (var order in items.Select(OrderItems.ReadOrder).Where(o => !orders.TryGetValue(o.OrderId, out var seen) || seen.Version < o.Version))
            {
                orders[order.OrderId] = order;
            }
        }

        var newest = orders.Values.OrderByDescending(o => o.OrderId, StringComparer.Ordinal).ToList();
        more |= newest.Count > page.Limit;
        newest = newest.Take(page.Limit).ToList();
        var cursor = more && newest.Count > 0 ? Pages.Encode(CursorOf(newest[^1]), query.Shape) : null;
        return new Page<OrderView>([.. newest.Select(OrderView.From)], cursor);
    }

    private QueryRequest Source(string clientId, OrderShape shape, string? after)
    {
        var request = shape == OrderShape.OrderPartition
            ? Queries.ClientOrdersV3(options.Value.TableName, clientId)
            : Queries.ClientOrders(options.Value.TableName, clientId, consistentRead: false);
        request.ScanIndexForward = false;
        return request;
    }

    /// <summary>Where each place's Query goes on after the cursor's order: the same order's key in that place.</summary>
    private static Dictionary<string, AttributeValue>? Start(string clientId, OrderShape shape, string? after)
    {
        if (after is null)
        {
            return null;
        }

        var head = OrderItems.HeadKey(clientId, after, shape);
        var start = new Dictionary<string, AttributeValue> { [Attributes.PK] = new(head.PK), [Attributes.SK] = new(head.SK) };
        if (shape == OrderShape.OrderPartition)
        {
            start[Attributes.GSI2PK] = new(Keys.ClientOrdersIndexKey(clientId));
            start[Attributes.GSI2SK] = new(Keys.ClientOrdersIndexSortKey(after));
        }

        return start;
    }

    private static Dictionary<string, AttributeValue> CursorOf(OrderSummary order)
    {
        var key = Keys.Order(order.ClientId, order.OrderId);
        return new() { [Attributes.PK] = new(key.PK), [Attributes.SK] = new(key.SK) };
    }
}

public static class ListClientOrdersEndpoint
{
    public static void MapListClientOrders(this RouteGroupBuilder orders) =>
        orders.MapGet("", async (string clientId, string? limit, string? cursor, Caller caller, IMediator mediator, CancellationToken cancellationToken) =>
                TypedResults.Ok(await mediator.Send(new ListClientOrders(Ids.Require(clientId, "Client"), limit, cursor, caller), cancellationToken)))
            .WithName("ListClientOrders");
}
