using System.Runtime.CompilerServices;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Microservices.Migrations;

/// <summary>
/// What a migration works on: the client, the single table, whether this is a dry run (no writes), and the run's
/// capacity limiter, which the reads a migration makes of its own (<see cref="QueryAllAsync"/>) wait on and spend from
/// like the scan's.
/// </summary>
public sealed record MigrationContext(IAmazonDynamoDB Dynamo, string Table, bool DryRun, CapacityLimiter? Limiter = null)
{
    /// <summary>Every item a Query finds, page by page, each page within the run's read limit and counted in its units.</summary>
    public async IAsyncEnumerable<Dictionary<string, AttributeValue>> QueryAllAsync(QueryRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL;
        do
        {
            if (Limiter is not null)
            {
                await Limiter.WaitAsync(cancellationToken);
            }

            var page = await Dynamo.QueryAsync(request, cancellationToken);
            Limiter?.SpendRead(page.ConsumedCapacity);
            foreach (var item in page.Items ?? [])
            {
                yield return item;
            }

            request.ExclusiveStartKey = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (request.ExclusiveStartKey is not null);
    }
}
