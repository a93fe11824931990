using System.Runtime.CompilerServices;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Microservices.SingleTable;

/// <summary>Every item (or page) of a Query or Scan, following LastEvaluatedKey page by page (a page is at most 1 MB).</summary>
public static class DynamoDbPaging
{
    public static async IAsyncEnumerable<Dictionary<string, AttributeValue>> QueryAllAsync(
        this IAmazonDynamoDB dynamo, QueryRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var page in dynamo.QueryPagesAsync(request, cancellationToken))
        {
            foreach (var item in page.Items ?? [])
            {
                yield return item;
            }
        }
    }

    /// <summary>Every page of a Query, for a caller that needs more of each answer than its items (counts, consumed capacity).</summary>
    public static async IAsyncEnumerable<QueryResponse> QueryPagesAsync(
        this IAmazonDynamoDB dynamo, QueryRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dynamo);
        ArgumentNullException.ThrowIfNull(request);
        do
        {
            var page = await dynamo.QueryAsync(request, cancellationToken);
            yield return page;
            request.ExclusiveStartKey = page.LastEvaluatedKey is { Count: > 0 } ? page.LastEvaluatedKey : null;
        }
        while (request.ExclusiveStartKey is not null);
    }

    /// <summary>
    /// The items at <paramref name="keys"/> (those that exist), read with strong consistency in BatchGetItem requests of
    /// at most 100 keys; keys DynamoDB leaves unprocessed (throttled) are asked for again after a growing pause.
    /// </summary>
    public static async Task<List<Dictionary<string, AttributeValue>>> BatchGetAllAsync(
        this IAmazonDynamoDB dynamo, string table, IEnumerable<ItemKey> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dynamo);
        ArgumentNullException.ThrowIfNull(keys);
        var found = new List<Dictionary<string, AttributeValue>>();
        foreach (var chunk in keys.Distinct().Chunk(100))
        {
            var request = new Dictionary<string, KeysAndAttributes>
            {
                [table] = new()
                {
                    Keys = [.. chunk.Select(k => new Dictionary<string, AttributeValue> { [TableLayout.PK] = new(k.PK), [TableLayout.SK] = new(k.SK) })],
                    ConsistentRead = true,
                },
            };
            for (var attempt = 0; request.Count > 0; attempt++)
            {
                if (attempt > 0)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(1000, 25 << Math.Min(attempt, 6))), cancellationToken);
                }

                var response = await dynamo.BatchGetItemAsync(new BatchGetItemRequest { RequestItems = request }, cancellationToken);
                found.AddRange(response.Responses.GetValueOrDefault(table) ?? []);
                request = response.UnprocessedKeys is { Count: > 0 } unprocessed ? unprocessed : [];
            }
        }

        return found;
    }

    public static async IAsyncEnumerable<Dictionary<string, AttributeValue>> ScanAllAsync(
        this IAmazonDynamoDB dynamo, ScanRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dynamo);
        ArgumentNullException.ThrowIfNull(request);
        do
        {
            var page = await dynamo.ScanAsync(request, cancellationToken);
            foreach (var item in page.Items ?? [])
            {
                yield return item;
            }

            request.ExclusiveStartKey = page.LastEvaluatedKey is { Count: > 0 } ? page.LastEvaluatedKey : null;
        }
        while (request.ExclusiveStartKey is not null);
    }
}
