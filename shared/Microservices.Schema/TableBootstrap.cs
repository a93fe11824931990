using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microservices.Migrations;
using Microservices.Schema.Migrations;
using Microservices.SingleTable;
using Microsoft.Extensions.Options;

namespace Microservices.Schema;

/// <summary>
/// Creates the single table and the lease table when they are missing, and waits until both are active.
/// Safe to run any number of times, from any number of processes.
/// </summary>
public sealed class TableBootstrap(IAmazonDynamoDB dynamo, IOptions<DynamoDbOptions> options)
{
    private readonly DynamoDbOptions _options = options.Value;

    /// <summary>Returns true when this call created the single table, i.e. it starts out empty.</summary>
    public async Task<bool> EnsureTablesAsync(CancellationToken cancellationToken = default)
    {
        var created = await CreateIfMissingAsync(SingleTableRequest(_options.TableName), cancellationToken);
        await CreateIfMissingAsync(LeaseTableRequest(_options.LeaseTableName), cancellationToken);
        await WaitUntilActiveAsync(_options.TableName, cancellationToken);
        await WaitUntilActiveAsync(_options.LeaseTableName, cancellationToken);
        return created;
    }

    /// <summary>
    /// The single table as this bootstrap creates it, before any migration: keys, GSI1, the stream, on demand. A new
    /// table then starts at the latest version, whose expands add what <see cref="LatestSingleTableRequest"/> adds.
    /// </summary>
    public static CreateTableRequest SingleTableRequest(string tableName) => new()
    {
        TableName = tableName,
        BillingMode = BillingMode.PAY_PER_REQUEST,
        AttributeDefinitions =
        [
            new(TableLayout.PK, ScalarAttributeType.S),
            new(TableLayout.SK, ScalarAttributeType.S),
            new(TableLayout.GSI1PK, ScalarAttributeType.S),
            new(TableLayout.GSI1SK, ScalarAttributeType.S),
        ],
        KeySchema = [new(TableLayout.PK, KeyType.HASH), new(TableLayout.SK, KeyType.RANGE)],
        GlobalSecondaryIndexes =
        [
            // Overloaded: each item type that needs another access pattern writes its own GSI1PK/GSI1SK values.
            new GlobalSecondaryIndex
            {
                IndexName = TableLayout.Gsi1,
                KeySchema = [new(TableLayout.GSI1PK, KeyType.HASH), new(TableLayout.GSI1SK, KeyType.RANGE)],
                Projection = new Projection { ProjectionType = ProjectionType.ALL },
            },
        ],
        StreamSpecification = new StreamSpecification
        {
            StreamEnabled = true,
            StreamViewType = StreamViewType.NEW_AND_OLD_IMAGES,
        },
    };

    /// <summary>
    /// The single table as the latest migration leaves it: <see cref="SingleTableRequest"/> with every index a migration's
    /// expand adds (<see cref="Migration.Indexes"/>). What a table created whole starts as (the CDK stack, services/Deploy).
    /// </summary>
    public static CreateTableRequest LatestSingleTableRequest(string tableName)
    {
        var request = SingleTableRequest(tableName);
        foreach (var index in TableMigrations.Catalog.All.SelectMany(m => m.Indexes))
        {
            foreach (var key in index.KeySchema.Where(k => request.AttributeDefinitions.TrueForAll(a => a.AttributeName != k.AttributeName)))
            {
                request.AttributeDefinitions.Add(new(key.AttributeName, ScalarAttributeType.S));
            }

            request.GlobalSecondaryIndexes.Add(new GlobalSecondaryIndex { IndexName = index.IndexName, KeySchema = index.KeySchema, Projection = index.Projection });
        }

        return request;
    }

    /// <summary>The lease table's layout is the stream consumer's own; it has no stream, so checkpoints never feed themselves.</summary>
    public static CreateTableRequest LeaseTableRequest(string tableName) => Streams.LeaseTable.CreateTableRequest(tableName);

    private async Task<bool> CreateIfMissingAsync(CreateTableRequest request, CancellationToken cancellationToken)
    {
        try
        {
            await dynamo.DescribeTableAsync(request.TableName, cancellationToken);
            return false;
        }
        catch (ResourceNotFoundException)
        {
        }

        try
        {
            await dynamo.CreateTableAsync(request, cancellationToken);
            return true;
        }
        catch (ResourceInUseException)
        {
            // Another process created it between our describe and create.
            return false;
        }
    }

    private async Task WaitUntilActiveAsync(string tableName, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (true)
        {
            var table = await dynamo.DescribeTableAsync(tableName, cancellationToken);
            var indexesActive = (table.Table.GlobalSecondaryIndexes ?? []).All(i => i.IndexStatus == IndexStatus.ACTIVE);
            if (table.Table.TableStatus == TableStatus.ACTIVE && indexesActive)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Table {tableName} is still {table.Table.TableStatus}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
    }
}
