using Amazon.DynamoDBv2;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Microservices.Streams;

/// <summary>
/// One instance of a stream consumer. Instances of the same consumer name share the table's stream through leases
/// in the lease table: each round an instance renews its heartbeat and its leases, creates leases for new shards,
/// takes free or abandoned leases and balances with the others, and runs a <see cref="ShardReader"/> per lease held.
/// On shutdown it lets batches in flight finish, then releases its leases so others take them at once.
/// </summary>
public sealed class StreamConsumer(
    IDynamoDbStreams streams,
    IAmazonDynamoDB dynamo,
    IDynamoDbStreamHandler handler,
    StreamConsumerOptions options,
    ILogger<StreamConsumer> logger,
    TimeProvider? clock = null) : BackgroundService
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly Dictionary<string, RunningReader> _readers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _knownShards = new(StringComparer.Ordinal);

    private sealed record RunningReader(Task Task, CancellationTokenSource Lost);

    public string InstanceId => options.InstanceId;

    public StreamConsumerOptions Options => options;

    /// <summary>This consumer's leases, checkpoints and heartbeats.</summary>
    public LeaseStore Leases { get; } = new(dynamo, options.LeaseTableName);

    /// <summary>This consumer's dead letters.</summary>
    public DeadLetterStore DeadLetters { get; } = new(dynamo, options.LeaseTableName);

    /// <summary>The shards this instance reads now.</summary>
    public IReadOnlyCollection<string> OwnedShards
    {
        get
        {
            lock (_readers)
            {
                return _readers.Where(r => !r.Value.Task.IsCompleted).Select(r => r.Key).ToList();
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        options.Validate();
        if (!options.Enabled)
        {
            return;
        }

        var consumer = options.ConsumerName;
        StreamConsumerTelemetry.ConsumerStarted(consumer);
        using var handlerStop = new CancellationTokenSource();
        await using var graceOnStop = stoppingToken.Register(() => handlerStop.CancelAfter(options.ShutdownGrace));
        try
        {
            var streamArn = await FindStreamAsync(stoppingToken);
            logger.LogInformation("Consumer {Consumer} instance {Instance} reads {StreamArn}", consumer, InstanceId, streamArn);
            var balancer = new LeaseBalancer(options.LeaseExpiry, _clock);
            var lastDiscovery = (long?)null;
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    if (lastDiscovery is null || _clock.GetElapsedTime(lastDiscovery.Value) >= options.ShardDiscoveryInterval)
                    {
                        await DiscoverShardsAsync(streamArn, stoppingToken);
                        lastDiscovery = _clock.GetTimestamp();
                    }

                    await RunRoundAsync(streamArn, balancer, stoppingToken, handlerStop.Token);
                }
                catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
                {
                    // DynamoDB unreachable, say: keep the readers going and try again next round. Leases not
                    // renewed in time are taken by others, and our checkpoints will fail rather than overwrite theirs.
                    logger.LogError(exception, "Consumer {Consumer}: lease round failed", consumer);
                }

                await Task.Delay(options.EffectiveLeaseInterval, _clock, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            await ShutDownAsync();
        }
    }

    private async Task RunRoundAsync(string streamArn, LeaseBalancer balancer, CancellationToken stopping, CancellationToken handlerStop)
    {
        var consumer = options.ConsumerName;
        await Leases.HeartbeatAsync(consumer, InstanceId, stopping);
        ReapFinishedReaders();

        foreach (var (shardId, reader) in Snapshot())
        {
            if (!await Leases.RenewAsync(consumer, shardId, InstanceId, stopping))
            {
                logger.LogInformation("Consumer {Consumer}: shard {ShardId} was taken over by another instance", consumer, shardId);
                await reader.Lost.CancelAsync();
            }
        }

        var table = await Leases.ReadAsync(consumer, stopping);
        var plan = balancer.Plan(table, InstanceId);
        foreach (var lease in plan.Take)
        {
            if (await Leases.TryTakeAsync(consumer, lease.ShardId, lease.Counter, InstanceId, stopping))
            {
                logger.LogInformation(
                    "Consumer {Consumer}: instance {Instance} took shard {ShardId} (from {Owner})",
                    consumer, InstanceId, lease.ShardId, lease.Owner ?? "nobody");
                StartReader(streamArn, lease with { Owner = InstanceId }, stopping, handlerStop);
            }
        }

        // Leases this instance holds without a reader: after a reader failed, say. It starts again from the checkpoint.
        foreach (var lease in table.Leases.Where(l => l.Owner == InstanceId && !l.Finished))
        {
            if (!IsReading(lease.ShardId))
            {
                StartReader(streamArn, lease, stopping, handlerStop);
            }
        }

        foreach (var instance in plan.ForgetInstances)
        {
            await Leases.RemoveInstanceAsync(consumer, instance.InstanceId, instance.Counter, stopping);
        }
    }

    private async Task DiscoverShardsAsync(string streamArn, CancellationToken cancellationToken)
    {
        string? lastShardId = null;
        do
        {
            var page = await streams.DescribeStreamAsync(streamArn, lastShardId, cancellationToken: cancellationToken);
            foreach (var shard in page.Shards.Where(s => !_knownShards.Contains(s.ShardId)))
            {
                await Leases.EnsureLeaseAsync(options.ConsumerName, shard, cancellationToken);
                _knownShards.Add(shard.ShardId);
            }

            lastShardId = page.LastEvaluatedShardId;
        }
        while (lastShardId is not null);
    }

    private void StartReader(string streamArn, ShardLease lease, CancellationToken stopping, CancellationToken handlerStop)
    {
        var lost = new CancellationTokenSource();
        var reading = CancellationTokenSource.CreateLinkedTokenSource(stopping, lost.Token);
        var handlerCancelled = CancellationTokenSource.CreateLinkedTokenSource(handlerStop, lost.Token);
        var reader = new ShardReader(streams, Leases, DeadLetters, handler, options, _clock, logger, streamArn, lease);
        var task = Task.Run(async () =>
        {
            try
            {
                await reader.RunAsync(reading.Token, handlerCancelled.Token);
            }
            catch (OperationCanceledException) when (reading.IsCancellationRequested)
            {
            }
            catch (LeaseLostException)
            {
                logger.LogInformation("Consumer {Consumer}: stopped reading shard {ShardId}; its lease moved", options.ConsumerName, lease.ShardId);
            }
            catch (Exception exception)
            {
                logger.LogError(exception, "Consumer {Consumer}: reading shard {ShardId} failed; it starts again from its checkpoint", options.ConsumerName, lease.ShardId);
            }
            finally
            {
                handlerCancelled.Dispose();
                reading.Dispose();
            }
        }, CancellationToken.None);

        lock (_readers)
        {
            _readers[lease.ShardId] = new RunningReader(task, lost);
        }
    }

    private bool IsReading(string shardId)
    {
        lock (_readers)
        {
            return _readers.TryGetValue(shardId, out var reader) && !reader.Task.IsCompleted;
        }
    }

    private List<KeyValuePair<string, RunningReader>> Snapshot()
    {
        lock (_readers)
        {
            return [.. _readers];
        }
    }

    private void ReapFinishedReaders()
    {
        lock (_readers)
        {
            foreach (var (shardId, reader) in _readers.Where(r => r.Value.Task.IsCompleted).ToList())
            {
                reader.Lost.Dispose();
                _readers.Remove(shardId);
            }
        }
    }

    private async Task ShutDownAsync()
    {
        var running = Snapshot();
        await Task.WhenAll(running.Select(r => r.Value.Task));
        foreach (var (shardId, reader) in running)
        {
            try
            {
                await Leases.ReleaseAsync(options.ConsumerName, shardId, InstanceId, CancellationToken.None);
                StreamConsumerTelemetry.ShardReleased(options.ConsumerName, shardId);
            }
            catch (Exception exception)
            {
                // Not released: another instance takes it after the failover time instead.
                logger.LogWarning(exception, "Consumer {Consumer}: could not release shard {ShardId}", options.ConsumerName, shardId);
            }

            reader.Lost.Dispose();
        }

        try
        {
            await Leases.RemoveInstanceAsync(options.ConsumerName, InstanceId, observedCounter: null, CancellationToken.None);
        }
        catch (Exception exception)
        {
            logger.LogWarning(exception, "Consumer {Consumer}: could not remove instance {Instance}", options.ConsumerName, InstanceId);
        }

        lock (_readers)
        {
            _readers.Clear();
        }
    }

    private async Task<string> FindStreamAsync(CancellationToken cancellationToken)
    {
        var table = options.TableName;
        while (true)
        {
            var listed = await streams.ListStreamsAsync(table, cancellationToken: cancellationToken);
            // A table that was deleted and created again has several streams; the newest label is the live one.
            var latest = listed.Streams.Where(s => s.TableName == table).MaxBy(s => s.StreamLabel, StringComparer.Ordinal);
            if (latest is not null)
            {
                return latest.StreamArn;
            }

            logger.LogInformation("Table {Table} has no stream yet; waiting", table);
            await Task.Delay(options.ShardDiscoveryInterval, _clock, cancellationToken);
        }
    }
}
