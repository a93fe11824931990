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
