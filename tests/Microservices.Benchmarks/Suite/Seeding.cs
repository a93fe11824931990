using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microservices.SingleTable;

namespace Microservices.Benchmarks.Suite;

/// <summary>
/// Items put (or deleted) fast, straight into a table: 25 a BatchWriteItem, a few batches at once, unprocessed items
/// sent again.
/// </summary>
public static class Seeding
{
    private const int Parallel = 4;

    public static Task PutAllAsync(IAmazonDynamoDB dynamo, string table, IEnumerable<Dictionary<string, AttributeValue>> items, CancellationToken cancellationToken) =>
        WriteAllAsync(dynamo, table, items.Select(item => new WriteRequest(new PutRequest(item))), cancellationToken);

    /// <summary>Deletes the items at <paramref name="keys"/> (PK and SK of each).</summary>
    public static Task DeleteAllAsync(IAmazonDynamoDB dynamo, string table, IEnumerable<Dictionary<string, AttributeValue>> keys, CancellationToken cancellationToken) =>
        WriteAllAsync(dynamo, table, keys.Select(key => new WriteRequest(new DeleteRequest(key))), cancellationToken);

    private static async Task WriteAllAsync(IAmazonDynamoDB dynamo, string table, IEnumerable<WriteRequest> writes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dynamo);
        await System.Threading.Tasks.Parallel.ForEachAsync(
            writes.Chunk(DynamoDbLimits.MaxBatchWriteItems),
            new ParallelOptions { MaxDegreeOfParallelism = Parallel, CancellationToken = cancellationToken },
            async (chunk, ct) =>
            {
                var request = new BatchWriteItemRequest
                {
                    RequestItems = new() { [table] = [.. chunk] },
                };
                do
                {
                    var response = await dynamo.BatchWriteItemAsync(request, ct);
                    request.RequestItems = response.UnprocessedItems;
                }
                while (request.RequestItems is { Count: > 0 });
            });
    }
}
