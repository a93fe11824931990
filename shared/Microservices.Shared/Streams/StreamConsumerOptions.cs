namespace Microservices.Shared.Streams;

public sealed class StreamConsumerOptions
{
    /// <summary>Checkpoints belong to a consumer name, so several projections can read one stream independently.</summary>
    public string ConsumerName { get; set; } = "";

    /// <summary>Records per GetRecords call and per handler batch (DynamoDB allows at most 1000).</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>How long an idle shard waits before polling again; Lambda polls each shard four times a second.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How often the shard list is read again to find new shards.</summary>
    public TimeSpan ShardDiscoveryInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>First wait after a failed batch; it doubles up to <see cref="MaxRetryBackoff"/>.</summary>
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxRetryBackoff { get; set; } = TimeSpan.FromSeconds(10);
}
