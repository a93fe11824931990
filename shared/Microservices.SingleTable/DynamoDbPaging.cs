using System.Runtime.CompilerServices;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Microservices.SingleTable;

/// <summary>Every item of a Query or Scan, following LastEvaluatedKey page by page (a page is at most 1 MB).</summary>
public static class DynamoDbPaging
{
    public static async IAsyncEnumerable<Dictionary<string, AttributeValue>> QueryAllAsync(
        this IAmazonDynamoDB dynamo, QueryRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dynamo);
        ArgumentNullException.ThrowIfNull(request);
        do
        {
            var page = await dynamo.QueryAsync(request, cancellationToken);
            foreach (var item in page.Items ?? [])
            {
                yield return item;
            }

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
