namespace Orders.Api.Features;

public sealed record OrderView(
    string OrderId, string ClientId, string Status, string PlacedAt, decimal Total, string ClientName, string ClientEmail, long Version)
{
    public static OrderView From(OrderSummary order)
    {
        ArgumentNullException.ThrowIfNull(order);
        return new(order.OrderId, order.ClientId, order.Status, order.PlacedAt, order.Total, order.Client.Name, order.Client.Email, order.Version);
    }
}

public sealed record OrderLineView(int LineNo, string BookId, string AuthorId, string Title, decimal Price, int Quantity);

public sealed record OrderWithLinesView(OrderView Order, IReadOnlyList<OrderLineView> Lines);

public sealed record GetOrder(string ClientId, string OrderId, Caller Caller) : IQuery<OrderWithLinesView>;

/// <summary>
/// One Query: the order and its lines share one partition and prefix, in the client's partition before migration 3
/// (ORDER#{orderId} and ORDER#{orderId}#LINE#...) and in the order's own after it. While migration 3 runs, a second
/// Query only when the first place has no such order (<see cref="OrderReader"/>).
/// </summary>
public sealed class GetOrderHandler(OrderReader reader, OrderLayout layout) : IQueryHandler<GetOrder, OrderWithLinesView>
{
    public async ValueTask<OrderWithLinesView> Handle(GetOrder query, CancellationToken cancellationToken)
    {
        var found = await reader.ReadAsync(query.ClientId, query.OrderId, await layout.CurrentAsync(cancellationToken), cancellationToken)
            ?? throw new NotFoundException("Order", query.OrderId);
        query.Caller.RequireOwner(found.Order.ClientId, "Order", query.OrderId);
        return new OrderWithLinesView(
            OrderView.From(found.Order),
            [.. found.Lines.Select(l => new OrderLineView(l.LineNo, l.BookId, l.AuthorId, l.Title, l.Price, l.Quantity))]);
    }
}

public static class GetOrderEndpoint
{
    public static void MapGetOrder(this RouteGroupBuilder orders) =>
        orders.MapGet("/{orderId}", async (string clientId, string orderId, Caller caller, IMediator mediator, CancellationToken cancellationToken) =>
                TypedResults.Ok(await mediator.Send(new GetOrder(Ids.Require(clientId, "Client"), Ids.Require(orderId, "Order"), caller), cancellationToken)))
            .WithName("GetOrder")
            .ProducesProblem(StatusCodes.Status404NotFound);
}
