using Microservices.Shared.Dynamo;
using Microservices.Shared.Lambda;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microservices.Shared.Streams;

/// <summary>
/// Reads every shard of the table's stream, parents before children, hands each batch to the handler in Lambda's
/// event shape, and checkpoints per shard in the lease table. A batch whose handler reports failures is read again
/// from the lowest failed sequence number, so nothing is skipped; everything before it is checkpointed.
/// </summary>
public sealed class StreamConsumer(
    IDynamoDbStreams streams,
    CheckpointStore checkpoints,
    IDynamoDbStreamHandler handler,
    IOptions<DynamoDbOptions> dynamoOptions,
    StreamConsumerOptions options,
    ILogger<StreamConsumer> logger) : BackgroundService
{
    private readonly string _consumer = string.IsNullOrWhiteSpace(options.ConsumerName)
        ? throw new ArgumentException("A stream consumer needs a name for its checkpoints.", nameof(options))
        : options.ConsumerName;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var streamArn = await FindStreamAsync(stoppingToken);
            logger.LogInformation("Consumer {Consumer} reads {StreamArn}", _consumer, streamArn);
            await ReadStreamAsync(streamArn, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task<string> FindStreamAsync(CancellationToken cancellationToken)
    {
        var table = dynamoOptions.Value.TableName;
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
            await Task.Delay(options.ShardDiscoveryInterval, cancellationToken);
        }
    }

    private async Task ReadStreamAsync(string streamArn, CancellationToken cancellationToken)
    {
        var readers = new Dictionary<string, Task>(StringComparer.Ordinal);
        var finished = new HashSet<string>(StringComparer.Ordinal);
        while (!cancellationToken.IsCancellationRequested)
        {
            var shards = await DescribeShardsAsync(streamArn, cancellationToken);
            var listed = shards.Select(s => s.ShardId).ToHashSet(StringComparer.Ordinal);

            foreach (var (shardId, reader) in readers.Where(r => r.Value.IsCompleted).ToList())
            {
                readers.Remove(shardId);
                if (reader.IsCompletedSuccessfully)
                {
                    finished.Add(shardId);
                }
                else if (reader.Exception is { } failure)
                {
                    // Not finished: the next round starts the shard again from its checkpoint.
                    logger.LogError(failure, "Consumer {Consumer}: reading shard {ShardId} failed; restarting it", _consumer, shardId);
                }
            }

            foreach (var shard in shards)
            {
                if (readers.ContainsKey(shard.ShardId) || finished.Contains(shard.ShardId))
                {
                    continue;
                }

                // Parents before children: a parent that has aged out of the stream counts as done.
                var parentPending = shard.ParentShardId is { } parent && listed.Contains(parent) && !finished.Contains(parent);
                if (parentPending)
                {
                    continue;
                }

                readers[shard.ShardId] = ReadShardAsync(streamArn, shard.ShardId, cancellationToken);
            }

            var anyDone = Task.WhenAny(readers.Values.Append(Task.Delay(options.ShardDiscoveryInterval, cancellationToken)));
            await anyDone;
        }

        await Task.WhenAll(readers.Values);
    }

    private async Task<List<Shard>> DescribeShardsAsync(string streamArn, CancellationToken cancellationToken)
    {
        var shards = new List<Shard>();
        string? lastShardId = null;
        do
        {
            var page = await streams.DescribeStreamAsync(streamArn, lastShardId, cancellationToken: cancellationToken);
            shards.AddRange(page.Shards);
            lastShardId = page.LastEvaluatedShardId;
        }
        while (lastShardId is not null);

        return shards;
    }

    private async Task ReadShardAsync(string streamArn, string shardId, CancellationToken cancellationToken)
    {
        var checkpoint = await checkpoints.GetAsync(_consumer, shardId, cancellationToken);
        if (checkpoint.Finished)
        {
            return;
        }

        var position = checkpoint.SequenceNumber;
        var iterator = await IteratorAfterAsync(streamArn, shardId, position, cancellationToken);
        var backoff = options.RetryBackoff;
        while (!cancellationToken.IsCancellationRequested)
        {
            GetRecordsResult page;
            try
            {
                page = await streams.GetRecordsAsync(iterator, options.BatchSize, cancellationToken);
            }
            catch (ExpiredIteratorException)
            {
                // Iterators live 15 minutes; a fresh one from the checkpoint loses nothing.
                iterator = await IteratorAfterAsync(streamArn, shardId, position, cancellationToken);
                continue;
            }
            catch (TrimmedDataAccessException)
            {
                logger.LogError(
                    "Shard {ShardId}: records after {Position} were trimmed before {Consumer} read them; resuming at the oldest record",
                    shardId, position, _consumer);
                iterator = await streams.GetShardIteratorAsync(
                    streamArn, shardId, ShardIteratorType.TrimHorizon, cancellationToken: cancellationToken);
                continue;
            }

            if (page.Records.Count > 0)
            {
                var failedAt = await DeliverAsync(streamArn, page.Records, cancellationToken);
                var handled = failedAt is null
                    ? page.Records
                    : page.Records.TakeWhile(r => SequenceNumbers.Compare(r.Dynamodb.SequenceNumber, failedAt) < 0).ToList();
                if (handled.Count > 0)
                {
                    position = handled[^1].Dynamodb.SequenceNumber;
                    await checkpoints.SaveAsync(_consumer, shardId, position, cancellationToken);
                }

                if (failedAt is not null)
                {
                    await Task.Delay(backoff, cancellationToken);
                    backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, options.MaxRetryBackoff.Ticks));
                    iterator = await IteratorAfterAsync(streamArn, shardId, position, cancellationToken);
                    continue;
                }

                backoff = options.RetryBackoff;
            }

            if (page.NextShardIterator is null)
            {
                await checkpoints.MarkFinishedAsync(_consumer, shardId, cancellationToken);
                logger.LogInformation("Shard {ShardId} is closed and fully read by {Consumer}", shardId, _consumer);
                return;
            }

            iterator = page.NextShardIterator;
            if (page.Records.Count == 0)
            {
                await Task.Delay(options.PollInterval, cancellationToken);
            }
        }
    }

    /// <summary>Returns null when the whole batch succeeded, else the lowest sequence number to read again from.</summary>
    private async Task<string?> DeliverAsync(string streamArn, IReadOnlyList<DynamoDbStreamRecord> records, CancellationToken cancellationToken)
    {
        var streamEvent = new DynamoDbEvent { Records = records.Select(r => r with { EventSourceArn = streamArn }).ToList() };
        StreamsEventResponse response;
        try
        {
            response = await handler.HandleAsync(streamEvent, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // As Lambda does: a handler that throws fails the whole batch.
            logger.LogWarning(exception, "Consumer {Consumer}: the handler failed a batch of {Count} records", _consumer, records.Count);
            return records[0].Dynamodb.SequenceNumber;
        }

        if (response.BatchItemFailures.Count == 0)
        {
            return null;
        }

        var lowest = response.BatchItemFailures.Select(f => f.ItemIdentifier).Min(Comparer<string>.Create(SequenceNumbers.Compare))!;
        logger.LogWarning("Consumer {Consumer}: the handler failed the batch from {SequenceNumber}", _consumer, lowest);
        return lowest;
    }

    private Task<string> IteratorAfterAsync(string streamArn, string shardId, string? sequenceNumber, CancellationToken cancellationToken) =>
        sequenceNumber is null
            ? streams.GetShardIteratorAsync(streamArn, shardId, ShardIteratorType.TrimHorizon, cancellationToken: cancellationToken)
            : streams.GetShardIteratorAsync(streamArn, shardId, ShardIteratorType.AfterSequenceNumber, sequenceNumber, cancellationToken);
}
