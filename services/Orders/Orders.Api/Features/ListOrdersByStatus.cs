using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Mediator;
using Microservices.Schema;
using Microservices.ServiceDefaults;
using Microservices.SingleTable;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Orders.Domain;

namespace Orders.Api.Features;

public sealed record ListOrdersByStatus(string Status, int Limit, Dictionary<string, AttributeValue>? After) : IQuery<OrderPage>;

/// <summary>
/// Orders in one status, oldest first (the order to work them in): one Query on GSI1, whose key the order item moves
/// in the transaction of every status change. Only order items carry GSI1 keys of this kind, so no filter is needed
/// and a page is exactly Limit orders. The index is eventually consistent.
/// </summary>
public sealed class ListOrdersByStatusHandler(IAmazonDynamoDB dynamo, IOptions<DynamoDbOptions> options)
    : IQueryHandler<ListOrdersByStatus, OrderPage>
{
    private static readonly string[] PositionKeys = [Attributes.PK, Attributes.SK, Attributes.GSI1PK, Attributes.GSI1SK];

    public async ValueTask<OrderPage> Handle(ListOrdersByStatus query, CancellationToken cancellationToken)
    {
        var page = await dynamo.QueryAsync(new QueryRequest
        {
            TableName = options.Value.TableName,
            IndexName = TableSchema.Gsi1,
            KeyConditionExpression = "GSI1PK = :status",
            ExpressionAttributeValues = new() { [":status"] = new(Keys.OrderStatusIndexKey(query.Status)) },
            ExclusiveStartKey = query.After,
            Limit = query.Limit,
        }, cancellationToken);
        var orders = (page.Items ?? []).Select(i => OrderView.From(OrderItems.ReadOrder(i))).ToList();
        var cursor = page.LastEvaluatedKey is { Count: > 0 } last
            ? OrdersRoutes.Cursor(PositionKeys.ToDictionary(k => k, k => last[k].S))
            : null;
        return new OrderPage(orders, cursor);
    }

    public static bool TryReadCursor(string? cursor, string status, out Dictionary<string, AttributeValue>? after)
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

        if (PositionKeys.Any(k => !position.ContainsKey(k)) || position[Attributes.GSI1PK] != Keys.OrderStatusIndexKey(status))
        {
            return false;
        }

        after = PositionKeys.ToDictionary(k => k, k => new AttributeValue(position[k]));
        return true;
    }
}

public static class ListOrdersByStatusEndpoint
{
    public static void MapListOrdersByStatus(this IEndpointRouteBuilder app) =>
        app.MapGet("/orders", async Task<Results<Ok<OrderPage>, ValidationProblem>> (
                string? status, int? limit, string? cursor, IMediator mediator, CancellationToken cancellationToken) =>
            {
                var validation = new Validation()
                    .Require(OrderStatuses.TryParse(status, out _), "status", "status must be one of placed, paid, shipped, cancelled.")
                    .PageSize(limit);
                Dictionary<string, AttributeValue>? after = null;
                if (validation.IsValid)
                {
                    validation.Require(ListOrdersByStatusHandler.TryReadCursor(cursor, status!, out after), "cursor", "cursor is not one this API returned for this status.");
                }

                if (!validation.IsValid)
                {
                    return TypedResults.ValidationProblem(validation.Errors);
                }

                return TypedResults.Ok(await mediator.Send(
                    new ListOrdersByStatus(status!, limit ?? OrdersRoutes.DefaultPageSize, after), cancellationToken));
            })
            .WithName("ListOrdersByStatus")
            .WithTags("Orders");
}
