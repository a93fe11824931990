using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Microservices.Migrations;

/// <summary>
/// A global secondary index added to or removed from a live table (UpdateTable), waiting until DynamoDB has built it
/// (ACTIVE, its backfill of the items that already carry its keys done) or has dropped it. Each finds its work done
/// and returns at once, so a resumed migration can call it again.
/// </summary>
public static class TableIndexes
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// An index of string keys, every attribute projected: what <see cref="EnsureAsync(IAmazonDynamoDB, string, CreateGlobalSecondaryIndexAction, CancellationToken)"/>
    /// adds, and what a table created whole (the CDK stack, services/Deploy) declares from the start.
    /// </summary>
    public static CreateGlobalSecondaryIndexAction Definition(string index, string partitionKey, string sortKey) => new()
    {
        IndexName = index,
        KeySchema = [new(partitionKey, KeyType.HASH), new(sortKey, KeyType.RANGE)],
        Projection = new Projection { ProjectionType = ProjectionType.ALL },
    };

    /// <summary>An index of string keys, every attribute projected.</summary>
    public static Task EnsureAsync(IAmazonDynamoDB dynamo, string table, string index, string partitionKey, string sortKey, CancellationToken cancellationToken) =>
        EnsureAsync(dynamo, table, Definition(index, partitionKey, sortKey), cancellationToken);

    /// <summary>The index <paramref name="definition"/> describes, its key attributes strings.</summary>
    public static async Task EnsureAsync(IAmazonDynamoDB dynamo, string table, CreateGlobalSecondaryIndexAction definition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dynamo);
        ArgumentNullException.ThrowIfNull(definition);
        var index = definition.IndexName;
        if (await StatusAsync(dynamo, table, index, cancellationToken) is null)
        {
            try
            {
                await dynamo.UpdateTableAsync(new UpdateTableRequest
                {
                    TableName = table,
                    AttributeDefinitions = [.. definition.KeySchema.Select(k => new AttributeDefinition(k.AttributeName, ScalarAttributeType.S))],
                    GlobalSecondaryIndexUpdates = [new GlobalSecondaryIndexUpdate { Create = definition }],
                }, cancellationToken);
            }
            catch (ResourceInUseException)
            {
                // The table is being updated already (by a run killed after its request): wait for it below.
            }
        }

        while (await StatusAsync(dynamo, table, index, cancellationToken) is var status && status != IndexStatus.ACTIVE)
        {
            await Task.Delay(Poll, cancellationToken);
        }
    }

    public static async Task RemoveAsync(IAmazonDynamoDB dynamo, string table, string index, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dynamo);
        if (await StatusAsync(dynamo, table, index, cancellationToken) is { } status && status != IndexStatus.DELETING)
        {
            await dynamo.UpdateTableAsync(new UpdateTableRequest
            {
                TableName = table,
                GlobalSecondaryIndexUpdates = [new GlobalSecondaryIndexUpdate { Delete = new DeleteGlobalSecondaryIndexAction { IndexName = index } }],
            }, cancellationToken);
        }

        while (await StatusAsync(dynamo, table, index, cancellationToken) is not null)
        {
            await Task.Delay(Poll, cancellationToken);
        }
    }

    /// <summary>The index's status, or null when the table has no such index.</summary>
    public static async Task<IndexStatus?> StatusAsync(IAmazonDynamoDB dynamo, string table, string index, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dynamo);
        var described = await dynamo.DescribeTableAsync(table, cancellationToken);
        return described.Table.GlobalSecondaryIndexes?.FirstOrDefault(i => i.IndexName == index)?.IndexStatus;
    }
}
