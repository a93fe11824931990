using Microservices.SingleTable;

namespace Microservices.Schema;

/// <summary>
/// The key templates of the lease table, which holds stream consumers' leases, checkpoints, heartbeats and dead
/// letters. It has no stream, so nothing written here comes back as a record to consume.
/// </summary>
public static class LeaseTableSchema
{
    public static readonly KeyTemplate Consumer = new("CONSUMER#{consumer}");
    public static readonly KeyTemplate ShardLease = new("SHARD#{shardId}");
    public static readonly KeyTemplate Instance = new("INSTANCE#{instanceId}");
    public static readonly KeyTemplate DeadLetters = new("DEADLETTERS#{consumer}");
    public static readonly KeyTemplate DeadLetter = new("RECORD#{shardId}#{sequenceNumber}");
}
