using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microservices.Schema;
using Microservices.SingleTable;
using Microsoft.Extensions.Options;
using Orders.Domain;

namespace Orders.Worker;

/// <summary>
/// A client's order count and total spent, and a book's units sold. Cancelled orders count in neither: they are not
/// sales. Both are recomputed from their source items, read with strong consistency, never incremented: an
/// increment applied twice (a redelivered message) or skipped is wrong for ever, and recording applied event ids
/// would need a write per event and a transaction with the aggregate. A recomputation is right however often and in
/// whatever order the messages come, as long as an older one cannot overwrite a newer one: each aggregate carries
/// a SourceVersion that grows with every change of its sources (the sum of the client's order versions; the
/// number of the book's sale items plus the number of those cancelled), and is written only if that is not lower
/// than what is stored.
/// </summary>
public sealed class OrderAggregates(IAmazonDynamoDB dynamo, IOptions<DynamoDbOptions> options, OrderLayout layout, OrderReader reader)
{
    private readonly string _table = options.Value.TableName;

    /// <param name="orderId">The order whose change prompted this: read with the others even where an index does not show it yet.</param>
    public async Task RecomputeClientStatsAsync(string clientId, string orderId, CancellationToken cancellationToken)
    {
        long count = 0, sourceVersion = 0;
        var spent = 0m;
        foreach (var order in await reader.ClientOrdersAsync(clientId, await layout.CurrentAsync(cancellationToken), orderId, cancellationToken))
        {
            sourceVersion += order.Version;
            if (order.Status != OrderStatuses.Name(OrderStatus.Cancelled))
            {
                count++;
                spent += order.Total;
            }
        }

        var key = Keys.ClientOrderStats(clientId);
        await PutGuardedAsync(new()
        {
            [Attributes.PK] = new(key.PK),
            [Attributes.SK] = new(key.SK),
            [Attributes.ItemType] = new(ItemTypes.ClientOrderStats),
            [Attributes.ClientId] = new(clientId),
            [Attributes.OrderCount] = OrderItems.Number(count),
            [Attributes.TotalSpent] = OrderItems.Number(spent),
            [Attributes.SourceVersion] = OrderItems.Number(sourceVersion),
        }, sourceVersion, cancellationToken);
    }

    public async Task RecomputeBookSalesAsync(string bookId, CancellationToken cancellationToken)
    {
        long units = 0, sourceVersion = 0;
        var sales = dynamo.QueryAllAsync(new QueryRequest
        {
            TableName = _table,
            KeyConditionExpression = "PK = :pk AND begins_with(SK, :sales)",
            ExpressionAttributeValues = new()
            {
                [":pk"] = new(Keys.BookSalesPartition(bookId)),
                [":sales"] = new(Keys.BookSalePrefix),
            },
            ConsistentRead = true,
        }, cancellationToken);
        await foreach (var sale in sales)
        {
            var cancelled = sale.TryGetValue(Attributes.Cancelled, out var flag) && flag.BOOL == true;
            sourceVersion += cancelled ? 2 : 1;
            units += cancelled ? 0 : OrderItems.Count(sale[Attributes.Quantity]);
        }

        var key = Keys.BookSales(bookId);
        await PutGuardedAsync(new()
        {
            [Attributes.PK] = new(key.PK),
            [Attributes.SK] = new(key.SK),
            [Attributes.ItemType] = new(ItemTypes.BookSales),
            [Attributes.BookId] = new(bookId),
            [Attributes.UnitsSold] = OrderItems.Number(units),
            [Attributes.SourceVersion] = OrderItems.Number(sourceVersion),
        }, sourceVersion, cancellationToken);
    }

    /// <summary>The book ids of one order, from its line items (a cancel message does not carry them).</summary>
    public async Task<IReadOnlyList<string>> BooksOfOrderAsync(string clientId, string orderId, CancellationToken cancellationToken) =>
        (await reader.ReadAsync(clientId, orderId, await layout.CurrentAsync(cancellationToken), cancellationToken))?.Lines
            .Select(line => line.BookId).Distinct(StringComparer.Ordinal).ToList() ?? [];

    private async Task PutGuardedAsync(Dictionary<string, AttributeValue> item, long sourceVersion, CancellationToken cancellationToken)
    {
        try
        {
            await dynamo.PutItemAsync(new PutItemRequest
            {
                TableName = _table,
                Item = item,
                ConditionExpression = "attribute_not_exists(PK) OR SourceVersion <= :v",
                ExpressionAttributeValues = new() { [":v"] = OrderItems.Number(sourceVersion) },
            }, cancellationToken);
        }
        catch (ConditionalCheckFailedException)
        {
            // A recomputation from newer sources is already stored; this older one must not replace it.
        }
    }
}
