using System.Collections.Concurrent;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Ops;

/// <summary>
/// Reads the whole table with a parallel scan: <c>segments</c> workers each scan their own segment, strongly
/// consistent, page by page. Every check then works on this one snapshot, so the invariants are judged against the
/// same reading of the table.
/// </summary>
public static class TableSnapshot
{
    /// <param name="onPage">Called after every page with the segment and the number of items it held (from any thread).</param>
    public static async Task<IReadOnlyList<Dictionary<string, AttributeValue>>> ScanAsync(
        IAmazonDynamoDB dynamo, string table, int segments, Action<int, int>? onPage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dynamo);
        ArgumentOutOfRangeException.ThrowIfLessThan(segments, 1);
        var items = new ConcurrentBag<Dictionary<string, AttributeValue>>();
        await Task.WhenAll(Enumerable.Range(0, segments).Select(async segment =>
        {
            var request = new ScanRequest { TableName = table, ConsistentRead = true };
            if (segments > 1)
            {
                request.Segment = segment;
                request.TotalSegments = segments;
            }

            do
            {
                var page = await dynamo.ScanAsync(request, cancellationToken);
                foreach (var item in page.Items ?? [])
                {
                    items.Add(item);
                }

                onPage?.Invoke(segment, page.Items?.Count ?? 0);
                request.ExclusiveStartKey = page.LastEvaluatedKey is { Count: > 0 } ? page.LastEvaluatedKey : null;
            }
            while (request.ExclusiveStartKey is not null);
        }));
        return [.. items];
    }
}
