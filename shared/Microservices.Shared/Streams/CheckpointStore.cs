using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microservices.Shared.Dynamo;
using Microservices.Shared.Schema;
using Microsoft.Extensions.Options;

namespace Microservices.Shared.Streams;

/// <summary>The last sequence number a consumer handled in a shard, and whether the shard is done.</summary>
public sealed record ShardCheckpoint(string? SequenceNumber, bool Finished);

/// <summary>
/// Checkpoints per consumer and shard, in the lease table. That table has no stream, so writing a checkpoint can
/// never produce a record that needs another checkpoint.
/// </summary>
public sealed class CheckpointStore(IAmazonDynamoDB dynamo, IOptions<DynamoDbOptions> options)
{
    private const string SequenceNumber = "SequenceNumber";
    private const string Finished = "Finished";
    private const string UpdatedAt = "UpdatedAt";

    private readonly string _table = options.Value.LeaseTableName;

    public async Task<ShardCheckpoint> GetAsync(string consumer, string shardId, CancellationToken cancellationToken)
    {
        var response = await dynamo.GetItemAsync(new GetItemRequest
        {
            TableName = _table,
            Key = Key(consumer, shardId),
            ConsistentRead = true,
        }, cancellationToken);
        var item = response.Item;
        return item is not { Count: > 0 }
            ? new ShardCheckpoint(null, false)
            : new ShardCheckpoint(
                item.TryGetValue(SequenceNumber, out var sequence) ? sequence.S : null,
                item.TryGetValue(Finished, out var finished) && finished.BOOL == true);
    }

    /// <summary>
    /// Moves the checkpoint forward only: a checkpoint written late by a slow reader can never rewind the shard.
    /// </summary>
    public async Task SaveAsync(string consumer, string shardId, string sequenceNumber, CancellationToken cancellationToken)
    {
        var current = await GetAsync(consumer, shardId, cancellationToken);
        if (current.SequenceNumber is not null && SequenceNumbers.Compare(current.SequenceNumber, sequenceNumber) >= 0)
        {
            return;
        }

        await dynamo.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = _table,
            Key = Key(consumer, shardId),
            UpdateExpression = $"SET {SequenceNumber} = :sequence, {UpdatedAt} = :now",
            ExpressionAttributeValues = new()
            {
                [":sequence"] = new(sequenceNumber),
                [":now"] = new(DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture)),
            },
        }, cancellationToken);
    }

    public Task MarkFinishedAsync(string consumer, string shardId, CancellationToken cancellationToken) =>
        dynamo.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = _table,
            Key = Key(consumer, shardId),
            UpdateExpression = $"SET {Finished} = :true, {UpdatedAt} = :now",
            ExpressionAttributeValues = new()
            {
                [":true"] = new() { BOOL = true },
                [":now"] = new(DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture)),
            },
        }, cancellationToken);

    private static Dictionary<string, AttributeValue> Key(string consumer, string shardId) =>
        new() { [Attributes.PK] = new(Keys.ShardCheckpoint(consumer, shardId)) };
}
