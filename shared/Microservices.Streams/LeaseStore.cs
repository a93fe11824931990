using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Microservices.Streams;

/// <summary>A shard's lease: who reads it, how far it has been handled, and whether it is done.</summary>
/// <param name="Counter">Goes up on every renewal and change of owner; an owner is alive while others see it move.</param>
public sealed record ShardLease(string ShardId, string? ParentShardId, string? Owner, long Counter, string? Checkpoint, bool Finished);

/// <summary>A consumer instance's heartbeat; like a lease, it is alive while its counter moves.</summary>
public sealed record ConsumerInstance(string InstanceId, long Counter);

public sealed record LeaseTableSnapshot(IReadOnlyList<ShardLease> Leases, IReadOnlyList<ConsumerInstance> Instances);

/// <summary>
/// Leases, checkpoints and heartbeats of stream consumers, in the lease table. That table has no stream, so these
/// writes never come back as records. Every write by an owner is conditioned on still being the owner, so an
/// instance that lost a lease can neither renew it nor move its checkpoint.
/// </summary>
/// <param name="table">The lease table (<see cref="StreamConsumerOptions.LeaseTableName"/>).</param>
public sealed class LeaseStore(IAmazonDynamoDB dynamo, string table)
{
    private const string ShardId = "ShardId";
    private const string ParentShardId = "ParentShardId";
    private const string Owner = "LeaseOwner";
    private const string Counter = "LeaseCounter";
    private const string Checkpoint = "Checkpoint";
    private const string Finished = "Finished";
    private const string UpdatedAt = "UpdatedAt";

    private readonly string _table = table;

    /// <summary>Creates the lease of a shard seen for the first time; a lease that exists is left as it is.</summary>
    public async Task EnsureLeaseAsync(string consumer, Shard shard, CancellationToken cancellationToken)
    {
        var item = Key(consumer, LeaseTable.ShardLease(shard.ShardId));
        item[ShardId] = new(shard.ShardId);
        item[Counter] = new() { N = "0" };
        item[Finished] = new() { BOOL = false };
        item[UpdatedAt] = Now();
        if (shard.ParentShardId is { } parent)
        {
            item[ParentShardId] = new(parent);
        }

        try
        {
            await dynamo.PutItemAsync(new PutItemRequest
            {
                TableName = _table,
                Item = item,
                ConditionExpression = "attribute_not_exists(PK)",
            }, cancellationToken);
        }
        catch (ConditionalCheckFailedException)
        {
            // Another instance created it first.
        }
    }

    public async Task<LeaseTableSnapshot> ReadAsync(string consumer, CancellationToken cancellationToken)
    {
        var leases = new List<ShardLease>();
        var instances = new List<ConsumerInstance>();
        await foreach (var item in LeaseTable.QueryPartitionAsync(dynamo, _table, LeaseTable.ConsumerPartition(consumer), cancellationToken))
        {
            var sortKey = item[LeaseTable.SortKey].S;
            if (sortKey.StartsWith(LeaseTable.ShardLeasePrefix, StringComparison.Ordinal))
            {
                leases.Add(ReadLease(item));
            }
            else if (sortKey.StartsWith(LeaseTable.InstancePrefix, StringComparison.Ordinal))
            {
                instances.Add(new ConsumerInstance(sortKey[LeaseTable.InstancePrefix.Length..], long.Parse(item[Counter].N, CultureInfo.InvariantCulture)));
            }
        }

        return new LeaseTableSnapshot(leases, instances);
    }

    public async Task<ShardLease?> GetAsync(string consumer, string shardId, CancellationToken cancellationToken)
    {
        var response = await dynamo.GetItemAsync(new GetItemRequest
        {
            TableName = _table,
            Key = Key(consumer, LeaseTable.ShardLease(shardId)),
            ConsistentRead = true,
        }, cancellationToken);
        return response.Item is { Count: > 0 } item ? ReadLease(item) : null;
    }

    /// <summary>
    /// Takes a lease that is free or whose owner stopped renewing it. The condition on the counter this instance
    /// observed means two instances racing for it cannot both win, and a lease renewed meanwhile is not taken.
    /// </summary>
    public Task<bool> TryTakeAsync(string consumer, string shardId, long observedCounter, string instanceId, CancellationToken cancellationToken) =>
        TryUpdateAsync(
            consumer,
            LeaseTable.ShardLease(shardId),
            $"SET {Owner} = :me, {Counter} = {Counter} + :one, {UpdatedAt} = :now",
            $"{Counter} = :observed AND {Finished} = :false",
            new()
            {
                [":me"] = new(instanceId),
                [":observed"] = new() { N = observedCounter.ToString(CultureInfo.InvariantCulture) },
                [":false"] = new() { BOOL = false },
            },
            cancellationToken);

    /// <summary>Returns false when the lease is no longer this instance's: it must stop reading the shard.</summary>
    public Task<bool> RenewAsync(string consumer, string shardId, string instanceId, CancellationToken cancellationToken) =>
        TryUpdateAsync(
            consumer,
            LeaseTable.ShardLease(shardId),
            $"SET {Counter} = {Counter} + :one, {UpdatedAt} = :now",
            $"{Owner} = :me",
            new() { [":me"] = new(instanceId) },
            cancellationToken);

    /// <summary>Records that everything up to <paramref name="sequenceNumber"/> is handled; false when the lease was lost.</summary>
    public Task<bool> CheckpointAsync(string consumer, string shardId, string instanceId, string sequenceNumber, CancellationToken cancellationToken) =>
        TryUpdateAsync(
            consumer,
            LeaseTable.ShardLease(shardId),
            $"SET {Checkpoint} = :sequence, {UpdatedAt} = :now",
            $"{Owner} = :me",
            new() { [":me"] = new(instanceId), [":sequence"] = new(sequenceNumber) },
            cancellationToken);

    /// <summary>Marks a closed shard as read to its end, which lets its children be read.</summary>
    public Task<bool> FinishAsync(string consumer, string shardId, string instanceId, CancellationToken cancellationToken) =>
        TryUpdateAsync(
            consumer,
            LeaseTable.ShardLease(shardId),
            $"SET {Finished} = :true, {Counter} = {Counter} + :one, {UpdatedAt} = :now REMOVE {Owner}",
            $"{Owner} = :me",
            new() { [":me"] = new(instanceId), [":true"] = new() { BOOL = true } },
            cancellationToken);

    /// <summary>Gives a lease up on shutdown, so another instance takes it at once instead of after the failover time.</summary>
    public Task<bool> ReleaseAsync(string consumer, string shardId, string instanceId, CancellationToken cancellationToken) =>
        TryUpdateAsync(
            consumer,
            LeaseTable.ShardLease(shardId),
            $"SET {Counter} = {Counter} + :one, {UpdatedAt} = :now REMOVE {Owner}",
            $"{Owner} = :me",
            new() { [":me"] = new(instanceId) },
            cancellationToken);

    public Task HeartbeatAsync(string consumer, string instanceId, CancellationToken cancellationToken) =>
        dynamo.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = _table,
            Key = Key(consumer, LeaseTable.Instance(instanceId)),
            UpdateExpression = $"SET {Counter} = if_not_exists({Counter}, :zero) + :one, {UpdatedAt} = :now",
            ExpressionAttributeValues = new() { [":zero"] = new() { N = "0" }, [":one"] = new() { N = "1" }, [":now"] = Now() },
        }, cancellationToken);

    /// <summary>Forgets an instance: its own on shutdown, or one whose heartbeat stopped at <paramref name="observedCounter"/>.</summary>
    public async Task RemoveInstanceAsync(string consumer, string instanceId, long? observedCounter, CancellationToken cancellationToken)
    {
        try
        {
            await dynamo.DeleteItemAsync(new DeleteItemRequest
            {
                TableName = _table,
                Key = Key(consumer, LeaseTable.Instance(instanceId)),
                ConditionExpression = observedCounter is null ? null : $"{Counter} = :observed",
                ExpressionAttributeValues = observedCounter is null
                    ? null
                    : new() { [":observed"] = new() { N = observedCounter.Value.ToString(CultureInfo.InvariantCulture) } },
            }, cancellationToken);
        }
        catch (ConditionalCheckFailedException)
        {
            // It came back to life.
        }
    }

    private async Task<bool> TryUpdateAsync(
        string consumer,
        string sortKey,
        string update,
        string condition,
        Dictionary<string, AttributeValue> values,
        CancellationToken cancellationToken)
    {
        values[":now"] = Now();
        if (update.Contains(":one", StringComparison.Ordinal))
        {
            values[":one"] = new() { N = "1" };
        }

        try
        {
            await dynamo.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = _table,
                Key = Key(consumer, sortKey),
                UpdateExpression = update,
                ConditionExpression = condition,
                ExpressionAttributeValues = values,
            }, cancellationToken);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    private static ShardLease ReadLease(Dictionary<string, AttributeValue> item) => new(
        item[ShardId].S,
        item.TryGetValue(ParentShardId, out var parent) ? parent.S : null,
        item.TryGetValue(Owner, out var owner) ? owner.S : null,
        long.Parse(item[Counter].N, CultureInfo.InvariantCulture),
        item.TryGetValue(Checkpoint, out var checkpoint) ? checkpoint.S : null,
        item.TryGetValue(Finished, out var finished) && finished.BOOL == true);

    private static Dictionary<string, AttributeValue> Key(string consumer, string sortKey) =>
        LeaseTable.Key(LeaseTable.ConsumerPartition(consumer), sortKey);

    private static AttributeValue Now() => new(DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
}
