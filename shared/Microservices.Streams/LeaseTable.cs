using System.Runtime.CompilerServices;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Microservices.Streams;

/// <summary>
/// The lease table's layout, which is the consumer's own: leases, checkpoints, heartbeats and dead letters of every
/// consumer, under a partition key and a sort key. The table has no stream, so nothing written here comes back as a
/// record to consume (a checkpoint that caused a record would cause another checkpoint).
/// </summary>
public static class LeaseTable
{
    public const string PartitionKey = "PK";
    public const string SortKey = "SK";

    internal const string ShardLeasePrefix = "SHARD#";
    internal const string InstancePrefix = "INSTANCE#";

    /// <summary>The table to create for <see cref="StreamConsumerOptions.LeaseTableName"/>: two string keys, on demand, no stream.</summary>
    public static CreateTableRequest CreateTableRequest(string tableName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tableName);
        return new CreateTableRequest
        {
            TableName = tableName,
            BillingMode = BillingMode.PAY_PER_REQUEST,
            AttributeDefinitions = [new(PartitionKey, ScalarAttributeType.S), new(SortKey, ScalarAttributeType.S)],
            KeySchema = [new(PartitionKey, KeyType.HASH), new(SortKey, KeyType.RANGE)],
        };
    }

    /// <summary>Everything one consumer keeps: PK = CONSUMER#{name}, one item per shard and per live instance.</summary>
    public static string ConsumerPartition(string consumer) => "CONSUMER#" + Escape(consumer);

    /// <summary>A shard's lease, with its owner and checkpoint: SK = SHARD#{shardId}.</summary>
    internal static string ShardLease(string shardId) => ShardLeasePrefix + Escape(shardId);

    /// <summary>A consumer instance's heartbeat: SK = INSTANCE#{instanceId}.</summary>
    internal static string Instance(string instanceId) => InstancePrefix + Escape(instanceId);

    /// <summary>A consumer's dead letters: PK = DEADLETTERS#{name}.</summary>
    public static string DeadLetterPartition(string consumer) => "DEADLETTERS#" + Escape(consumer);

    /// <summary>
    /// One dead-lettered record, its sequence number zero-padded to 40 digits so a shard's dead letters sort in
    /// stream order and the same record dead-lettered twice is one item: SK = RECORD#{shardId}#{sequenceNumber}.
    /// </summary>
    internal static string DeadLetter(string shardId, string sequenceNumber) =>
        $"RECORD#{Escape(shardId)}#{sequenceNumber.PadLeft(40, '0')}";

    internal static Dictionary<string, AttributeValue> Key(string partition, string sort) => new()
    {
        [PartitionKey] = new(partition),
        [SortKey] = new(sort),
    };

    /// <summary>Every item of one partition, page by page (the SDK's paginator follows LastEvaluatedKey).</summary>
    internal static async IAsyncEnumerable<Dictionary<string, AttributeValue>> QueryPartitionAsync(
        IAmazonDynamoDB dynamo, string table, string partition, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var pages = dynamo.Paginators.Query(new QueryRequest
        {
            TableName = table,
            KeyConditionExpression = $"{PartitionKey} = :pk",
            ExpressionAttributeValues = new() { [":pk"] = new(partition) },
            ConsistentRead = true,
        }).Responses;
        await foreach (var page in pages.WithCancellation(cancellationToken))
        {
            foreach (var item in page.Items ?? [])
            {
                yield return item;
            }
        }
    }

    /// <summary>A '#' in a name cannot reach into the next part of a key: it is written %23 (and '%' itself %25).</summary>
    private static string Escape(string part) =>
        part.Replace("%", "%25", StringComparison.Ordinal).Replace("#", "%23", StringComparison.Ordinal);
}
