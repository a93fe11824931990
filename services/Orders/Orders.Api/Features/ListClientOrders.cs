using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Mediator;
using Microservices.EventSourcing;
using Microservices.Schema;
using Microservices.ServiceDefaults;
using Microservices.SingleTable;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Orders.Domain;

namespace Orders.Api.Features;

/// <summary>A page of orders, in the same shape as every list of every service: items and an opaque nextCursor.</summary>
public sealed record OrderPage(IReadOnlyList<OrderView> Items, string? NextCursor);

public sealed record ListClientOrders(string ClientId, int Limit, string? After) : IQuery<OrderPage>;

/// <summary>
/// A client's orders, newest first: ORDER#{UUIDv7} sorts by time, read backwards. Lines sit right after their order
/// under the same prefix (so that one Query reads an order with its lines), and no key condition can leave them out;
/// a filter on ItemType does. Filtered lines still cost reads and still count toward a page's Limit, so the handler
/// reads on until it has a page of orders, and the cursor is the last order returned (not DynamoDB's last key, which
/// may be a line): going on backwards from ORDER#{id} skips that order's lines, which sort after it.
/// </summary>
public sealed class ListClientOrdersHandler(IAmazonDynamoDB dynamo, IOptions<DynamoDbOptions> options)
    : IQueryHandler<ListClientOrders, OrderPage>
{
    private const string OrderIdField = "orderId";

    public async ValueTask<OrderPage> Handle(ListClientOrders query, CancellationToken cancellationToken)
    {
        var orders = new List<OrderView>();
        var partition = Keys.ClientPartition(query.ClientId);
        Dictionary<string, AttributeValue>? start = query.After is null
            ? null
            : new() { [Attributes.PK] = new(partition), [Attributes.SK] = new(Keys.Order(query.ClientId, query.After).SK) };
        do
        {
            var page = await dynamo.QueryAsync(new QueryRequest
            {
                TableName = options.Value.TableName,
                KeyConditionExpression = "PK = :pk AND begins_with(SK, :orders)",
                FilterExpression = "ItemType = :order",
                ExpressionAttributeValues = new()
                {
                    [":pk"] = new(partition),
                    [":orders"] = new(Keys.OrdersPrefix),
                    [":order"] = new(ItemTypes.Order),
                },
                ScanIndexForward = false,
                ExclusiveStartKey = start,
                Limit = OrdersRoutes.MaxPageSize,
            }, cancellationToken);
            foreach (var item in page.Items ?? [])
            {
                orders.Add(OrderView.From(OrderItems.ReadOrder(item)));
                if (orders.Count == query.Limit)
                {
                    return new OrderPage(orders, OrdersRoutes.Cursor(new Dictionary<string, string> { [OrderIdField] = orders[^1].OrderId }));
                }
            }

            start = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (start is not null);

        return new OrderPage(orders, null);
    }

    public static bool TryReadCursor(string? cursor, out string? after)
    {
        after = null;
        if (!OrdersRoutes.TryReadCursor(cursor, out var position))
        {
            return false;
        }

        if (position is null)
        {
            return true;
        }

        after = position.GetValueOrDefault(OrderIdField);
        return Ids.IsValid(after);
    }
}

public static class ListClientOrdersEndpoint
{
    public static void MapListClientOrders(this IEndpointRouteBuilder app) =>
        app.MapGet("/clients/{clientId}/orders", async Task<Results<Ok<OrderPage>, ValidationProblem>> (
                string clientId, int? limit, string? cursor, IMediator mediator, CancellationToken cancellationToken) =>
            {
                OrdersRoutes.RequireId(clientId, "Client");
                var validation = new Validation()
                    .PageSize(limit)
                    .Require(ListClientOrdersHandler.TryReadCursor(cursor, out var after), "cursor", "cursor is not one this API returned.");
                if (!validation.IsValid)
                {
                    return TypedResults.ValidationProblem(validation.Errors);
                }

                return TypedResults.Ok(await mediator.Send(
                    new ListClientOrders(clientId, limit ?? OrdersRoutes.DefaultPageSize, after), cancellationToken));
            })
            .WithName("ListClientOrders")
            .WithTags("Orders");
}
