using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microservices.SingleTable;

namespace Microservices.Benchmarks.Suite;

/// <summary>Items put fast, straight into a table: 25 a BatchWriteItem, a few batches at once, unprocessed items sent again.</summary>
public static class Seeding
{
    private const int Parallel = 4;

    public static async Task PutAllAsync(IAmazonDynamoDB dynamo, string table, IEnumerable<Dictionary<string, AttributeValue>> items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dynamo);
        await System.Threading.Tasks.Parallel.ForEachAsync(
            items.Chunk(DynamoDbLimits.MaxBatchWriteItems),
            new ParallelOptions { MaxDegreeOfParallelism = Parallel, CancellationToken = cancellationToken },
            async (chunk, ct) =>
            {
                var request = new BatchWriteItemRequest
                {
                    RequestItems = new() { [table] = [.. chunk.Select(item => new WriteRequest(new PutRequest(item)))] },
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
