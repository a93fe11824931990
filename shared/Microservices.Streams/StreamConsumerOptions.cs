using System.Diagnostics;
using Microservices.Streams.Lambda;

namespace Microservices.Streams;

/// <summary>
/// How one stream consumer reads, batches, retries and shares its stream. The names follow Lambda's event source
/// mapping for DynamoDB streams, so a handler behaves the same behind either.
/// </summary>
public sealed class StreamConsumerOptions
{
    /// <summary>Each consumer's settings can be overridden under StreamConsumers:{name}.</summary>
    public const string Section = "StreamConsumers";

    /// <summary>Leases, checkpoints and dead letters belong to a consumer name, so several projections can read one stream independently.</summary>
    public string ConsumerName { get; set; } = "";

    /// <summary>The table whose stream is read.</summary>
    public string TableName { get; set; } = "";

    /// <summary>
    /// Where leases, checkpoints and dead letters are kept (<see cref="LeaseTable"/> describes it). Never the streamed
    /// table: a checkpoint written there would come back as a record that needs another checkpoint.
    /// </summary>
    public string LeaseTableName { get; set; } = "";

    /// <summary>False leaves the consumer idle, for a process that only runs a command with the handler.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Identifies this process among the consumer's instances; unique per process by default.</summary>
    public string InstanceId { get; set; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";

    // Batching (Lambda: BatchSize, MaximumBatchingWindowInSeconds).

    /// <summary>Most records handed to the handler at once. GetRecords returns at most 1000 per call.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>How long to keep gathering records before a batch smaller than <see cref="BatchSize"/> is handled; zero hands over each read as it comes.</summary>
    public TimeSpan BatchingWindow { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// The longest an idle shard waits before reading again: after each empty read the wait doubles from
    /// <see cref="MinPollInterval"/> up to this. Lambda polls each shard four times a second.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// The wait after a read that returned records but not a full page, and the first wait once reads come back
    /// empty. A full page is followed by the next read at once. DynamoDB Streams allows about five GetRecords a
    /// second per shard, shared by its readers: the defaults (100 ms, then 200 ms, then 250 ms) stay near that for
    /// one reader; DynamoDB Local has no such limit, and a throttled read waits <see cref="PollInterval"/>. A value above
    /// <see cref="PollInterval"/> counts as <see cref="PollInterval"/>.
    /// </summary>
    public TimeSpan MinPollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary><see cref="MinPollInterval"/>, never longer than <see cref="PollInterval"/>.</summary>
    internal TimeSpan EffectiveMinPollInterval => MinPollInterval < PollInterval ? MinPollInterval : PollInterval;

    // Concurrency inside a shard (Lambda: ParallelizationFactor).

    /// <summary>
    /// How many batches of one shard may be in the handler at once, 1 to 10. Records are dealt to that many lanes by
    /// their <see cref="OrderingKey"/>; a lane hands over one batch at a time, in stream order, so records of one key
    /// are never handled concurrently or out of order, and the checkpoint only moves past records all of whose
    /// predecessors in the shard were handled or dead-lettered.
    /// </summary>
    public int ParallelizationFactor { get; set; } = 1;

    /// <summary>
    /// What keeps records in order when <see cref="ParallelizationFactor"/> is above 1. Null (the default) is the
    /// record's item key (every key attribute, partition and sort key), as Lambda does; a host can order more coarsely,
    /// e.g. by partition key alone, so that every item of one partition keeps its order.
    /// </summary>
    public Func<DynamoDbStreamRecord, string>? OrderingKey { get; set; }

    // Failures (Lambda: BisectBatchOnFunctionError, MaximumRetryAttempts, MaximumRecordAgeInSeconds, DestinationConfig.OnFailure).

    /// <summary>Halve a failing batch before retrying, until the failing record is alone; only then do retries count.</summary>
    public bool BisectBatchOnError { get; set; } = true;

    /// <summary>
    /// Retries of a failing record (or, without bisecting, of the failing rest of a batch) before it goes to the dead
    /// letters. With the timeout and backoff this bounds how long a poison record can hold its shard.
    /// </summary>
    public int MaxRetryAttempts { get; set; } = 5;

    /// <summary>Records older than this are dead-lettered instead of handled. Null (the default) keeps every record.</summary>
    public TimeSpan? MaxRecordAge { get; set; }

    /// <summary>A handler call that takes longer is cancelled and counts as a failure.</summary>
    public TimeSpan HandlerTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>First wait after a failed batch; it doubles up to <see cref="MaxRetryBackoff"/>.</summary>
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxRetryBackoff { get; set; } = TimeSpan.FromSeconds(5);

    // Filtering and tracing: given by the host, which knows what its records mean.

    /// <summary>
    /// Only records this accepts reach the handler; the rest are checkpointed without a call (Lambda: FilterCriteria).
    /// Null hands every record over. <see cref="RecordFilter"/> builds the usual ones.
    /// </summary>
    public Func<DynamoDbStreamRecord, bool>? Filter { get; set; }

    /// <summary>
    /// The trace context a record was written under, if the host's records carry one: a batch of one context's
    /// records continues that trace, a mixed batch links to each. Null starts every handler span afresh.
    /// </summary>
    public Func<DynamoDbStreamRecord, ActivityContext>? TraceParent { get; set; }

    // Sharing the stream between instances.

    /// <summary>
    /// The longest a shard goes unread after its owner dies: another instance has taken its lease by then. An
    /// observer sees the owner's last renewal up to one round late and acts up to one round late, so a lease counts
    /// as abandoned once it has not moved for the failover time less two rounds.
    /// </summary>
    public TimeSpan FailoverTime { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often leases are renewed, new shards looked for and the work balanced; a fifth of the failover time by default.</summary>
    public TimeSpan? LeaseInterval { get; set; }

    /// <summary>How often the shard list is read again to find new shards.</summary>
    public TimeSpan ShardDiscoveryInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>On shutdown, how long a batch in the handler may take to finish before it is cancelled.</summary>
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(10);

    internal TimeSpan EffectiveLeaseInterval => LeaseInterval ?? FailoverTime / 5;

    /// <summary>How long a lease must stand still before it counts as abandoned: at least two missed renewals.</summary>
    internal TimeSpan LeaseExpiry => FailoverTime - (2 * EffectiveLeaseInterval);

    /// <summary>The longest a poison record can hold its shard before it is dead-lettered.</summary>
    public TimeSpan PoisonRecordBound
    {
        get
        {
            var bisections = BisectBatchOnError ? (int)Math.Ceiling(Math.Log2(Math.Max(1, BatchSize))) : 0;
            var attempts = bisections + MaxRetryAttempts + 1;
            return (HandlerTimeout + MaxRetryBackoff) * attempts;
        }
    }

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(ConsumerName))
        {
            throw new ArgumentException("A stream consumer needs a name for its leases and checkpoints.", nameof(ConsumerName));
        }

        if (ConsumerName.Any(char.IsControl))
        {
            throw new ArgumentException("A consumer name cannot hold control characters.", nameof(ConsumerName));
        }

        if (string.IsNullOrWhiteSpace(TableName) || string.IsNullOrWhiteSpace(LeaseTableName))
        {
            throw new ArgumentException(
                $"Stream consumer {ConsumerName} needs {nameof(TableName)} (the streamed table) and {nameof(LeaseTableName)}.", nameof(TableName));
        }

        if (TableName == LeaseTableName)
        {
            throw new ArgumentException("The lease table must not be the streamed table: its checkpoints would feed themselves.", nameof(LeaseTableName));
        }

        if (BatchSize is < 1 or > 10_000)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "Batch size must be 1 to 10,000, as Lambda allows.");
        }

        if (ParallelizationFactor is < 1 or > 10)
        {
            throw new ArgumentOutOfRangeException(nameof(ParallelizationFactor), ParallelizationFactor, "The parallelization factor must be 1 to 10, as Lambda allows.");
        }

        if (MinPollInterval < TimeSpan.Zero || PollInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(MinPollInterval), MinPollInterval, "The poll intervals must be positive.");
        }

        if (MaxRetryAttempts < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRetryAttempts), MaxRetryAttempts, "Retries must be zero or more.");
        }

        if (FailoverTime <= TimeSpan.Zero || EffectiveLeaseInterval <= TimeSpan.Zero || LeaseExpiry < 2 * EffectiveLeaseInterval)
        {
            throw new ArgumentOutOfRangeException(
                nameof(LeaseInterval), "The lease interval must be at most a quarter of the failover time, so a lease survives two missed renewals.");
        }
    }
}
