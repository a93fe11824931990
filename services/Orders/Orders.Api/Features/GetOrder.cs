using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

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

public sealed record GetOrder(string ClientId, string OrderId) : IQuery<OrderWithLinesView>;

/// <summary>
/// One Query: the order item and its lines share the prefix ORDER#{orderId} in the client's partition, the order
/// first, then its lines in line order.
/// </summary>
public sealed class GetOrderHandler(IAmazonDynamoDB dynamo, IOptions<DynamoDbOptions> options) : IQueryHandler<GetOrder, OrderWithLinesView>
{
    public async ValueTask<OrderWithLinesView> Handle(GetOrder query, CancellationToken cancellationToken)
    {
        OrderSummary? order = null;
        var lines = new List<OrderLineView>();
        var items = dynamo.QueryAllAsync(new QueryRequest
        {
            TableName = options.Value.TableName,
            KeyConditionExpression = "PK = :pk AND begins_with(SK, :order)",
            ExpressionAttributeValues = new()
            {
                [":pk"] = new(Keys.ClientPartition(query.ClientId)),
                [":order"] = new(Keys.OrderWithLinesPrefix(query.OrderId)),
            },
            ConsistentRead = true,
        }, cancellationToken);
        await foreach (var item in items)
        {
            switch (item[Attributes.ItemType].S)
            {
                case ItemTypes.Order:
                    order = OrderItems.ReadOrder(item);
                    break;
                case ItemTypes.OrderLine:
                    var line = OrderItems.ReadLine(item);
                    lines.Add(new OrderLineView(line.LineNo, line.BookId, line.AuthorId, line.Title, line.Price, line.Quantity));
                    break;
            }
        }

        return order is null
            ? throw new NotFoundException("Order", query.OrderId)
            : new OrderWithLinesView(OrderView.From(order), lines);
    }
}

public static class GetOrderEndpoint
{
    public static void MapGetOrder(this RouteGroupBuilder orders) =>
        orders.MapGet("/{orderId}", async (string clientId, string orderId, IMediator mediator, CancellationToken cancellationToken) =>
                TypedResults.Ok(await mediator.Send(new GetOrder(Ids.Require(clientId, "Client"), Ids.Require(orderId, "Order")), cancellationToken)))
            .WithName("GetOrder")
            .ProducesProblem(StatusCodes.Status404NotFound);
}
