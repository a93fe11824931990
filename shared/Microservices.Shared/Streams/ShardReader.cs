using System.Diagnostics;
using Microservices.Shared.Lambda;
using Microservices.Shared.Schema;
using Microservices.Shared.Telemetry;
using Microsoft.Extensions.Logging;

namespace Microservices.Shared.Streams;

/// <summary>The lease was taken by another instance or released: this instance must stop reading the shard.</summary>
public sealed class LeaseLostException(string shardId)
    : Exception($"The lease of shard {shardId} is no longer held by this instance.");

/// <summary>
/// Reads one leased shard and hands its records to the handler with Lambda's semantics: batches of up to BatchSize
/// gathered for up to the batching window, partial batch failures, bisecting, bounded retries, a maximum record
/// age and dead letters. The checkpoint only ever moves past records that were handled or dead-lettered, so a crash
/// at any point redelivers, and never skips.
/// </summary>
internal sealed class ShardReader(
    IDynamoDbStreams streams,
    LeaseStore leases,
    DeadLetterStore deadLetters,
    IDynamoDbStreamHandler handler,
    StreamConsumerOptions options,
    TimeProvider clock,
    ILogger logger,
    string streamArn,
    ShardLease lease)
{
    private readonly string _consumer = options.ConsumerName;
    private readonly string _shardId = lease.ShardId;
    private readonly List<DynamoDbStreamRecord> _pending = [];

    private string? _fetchedThrough = lease.Checkpoint;
    private string? _iterator;
    private bool _closed;
    private long? _gatheringSince;

    // The failing stretch being retried: the batch size narrowed by bisecting, until the records up to
    // _failingThrough are behind us; and how often the record at the head has failed.
    private int _batchSize = options.BatchSize;
    private string? _failingThrough;
    private string? _failingHead;
    private int _headFailures;
    private int _outageFailures;

    /// <param name="stopping">Stops reading between batches.</param>
    /// <param name="handlerCancelled">
    /// Cancels a batch in the handler and its checkpoint (shutdown grace over, or lease lost); until then a batch
    /// handed over when the stop came is finished and checkpointed, so a clean stop redelivers nothing.
    /// </param>
    public async Task RunAsync(CancellationToken stopping, CancellationToken handlerCancelled)
    {
        _iterator = await IteratorAfterAsync(_fetchedThrough, stopping);
        while (!stopping.IsCancellationRequested)
        {
            if (_iterator is not null && !_closed && _failingHead is null && _pending.Count < options.BatchSize)
            {
                await FetchAsync(stopping);
            }

            if (_pending.Count == 0)
            {
                if (_closed)
                {
                    await FinishAsync(stopping);
                    return;
                }

                StreamConsumerTelemetry.IteratorAge(_consumer, _shardId, TimeSpan.Zero);
                await Task.Delay(options.PollInterval, clock, stopping);
                continue;
            }

            if (!BatchReady())
            {
                await Task.Delay(options.PollInterval, clock, stopping);
                continue;
            }

            await HandleBatchAsync(handlerCancelled, stopping);
        }
    }

    private bool BatchReady()
    {
        if (_pending.Count >= options.BatchSize || _closed || _failingThrough is not null || options.BatchingWindow <= TimeSpan.Zero)
        {
            return true;
        }

        _gatheringSince ??= clock.GetTimestamp();
        return clock.GetElapsedTime(_gatheringSince.Value) >= options.BatchingWindow;
    }

    private async Task FetchAsync(CancellationToken cancellationToken)
    {
        GetRecordsResult page;
        try
        {
            page = await streams.GetRecordsAsync(_iterator!, Math.Min(1000, options.BatchSize - _pending.Count), cancellationToken);
        }
        catch (ExpiredIteratorException)
        {
            // Iterators live 15 minutes; a new one after the last record read loses nothing.
            _iterator = await IteratorAfterAsync(_fetchedThrough, cancellationToken);
            return;
        }
        catch (TrimmedDataAccessException)
        {
            _iterator = await IteratorAtOldestAsync(cancellationToken);
            return;
        }
        catch (StreamsThrottledException)
        {
            await Task.Delay(options.PollInterval, clock, cancellationToken);
            return;
        }

        // After trimmed data the oldest record may be one already read; each record is handed over once per read.
        var fresh = page.Records
            .Where(r => _fetchedThrough is null || SequenceNumbers.Compare(r.Dynamodb.SequenceNumber, _fetchedThrough) > 0)
            .ToList();
        if (fresh.Count > 0)
        {
            _pending.AddRange(fresh);
            _fetchedThrough = fresh[^1].Dynamodb.SequenceNumber;
        }

        _iterator = page.NextShardIterator;
        _closed = page.NextShardIterator is null;
    }

    private async Task HandleBatchAsync(CancellationToken handlerCancelled, CancellationToken stopping)
    {
        var batch = _pending.Take(_batchSize).ToList();

        if (options.MaxRecordAge is { } maxAge)
        {
            var tooOld = batch.TakeWhile(r => clock.GetUtcNow() - r.Dynamodb.ApproximateCreationDateTime > maxAge).ToList();
            if (tooOld.Count > 0)
            {
                await DeadLetterAsync(tooOld, DeadLetterReasons.RecordTooOld, $"Older than the maximum record age of {maxAge}.", 0, handlerCancelled);
                return;
            }
        }

        var wanted = batch.Where(Wanted).ToList();
        if (wanted.Count == 0)
        {
            StreamConsumerTelemetry.RecordsFiltered(_consumer, _shardId, batch.Count);
            await HandledAsync(batch, handlerCancelled);
            return;
        }

        var (failedFrom, error, reported, outage) = await InvokeAsync(wanted, handlerCancelled);
        if (outage)
        {
            // Not the records' fault: wait for the dependency, retrying the same batch, for as long as it takes.
            _outageFailures++;
            StreamConsumerTelemetry.DependencyWait(_consumer, _shardId);
            logger.LogWarning("{Consumer}/{ShardId}: a dependency is unavailable ({Error}); waiting before trying again", _consumer, _shardId, error);
            await BackOffAsync(_outageFailures, stopping);
            return;
        }

        _outageFailures = 0;
        if (failedFrom is null)
        {
            StreamConsumerTelemetry.RecordsFiltered(_consumer, _shardId, batch.Count - wanted.Count);
            StreamConsumerTelemetry.IteratorAge(_consumer, _shardId, clock.GetUtcNow() - (batch[^1].Dynamodb.ApproximateCreationDateTime ?? clock.GetUtcNow()));
            await HandledAsync(batch, handlerCancelled);
            return;
        }

        var succeeded = batch.TakeWhile(r => SequenceNumbers.Compare(r.Dynamodb.SequenceNumber, failedFrom) < 0).ToList();
        var failing = batch.Skip(succeeded.Count).ToList();
        if (succeeded.Count > 0)
        {
            await HandledAsync(succeeded, handlerCancelled);
        }

        await FailedAsync(failing, error, reported, handlerCancelled, stopping);
    }

    private async Task FailedAsync(
        List<DynamoDbStreamRecord> failing, string error, bool reported, CancellationToken writes, CancellationToken cancellationToken)
    {
        StreamConsumerTelemetry.Retry(_consumer, _shardId);
        _failingThrough ??= failing[^1].Dynamodb.SequenceNumber;

        if (options.BisectBatchOnError && failing.Count > 1)
        {
            if (!reported)
            {
                // A thrown error could come from any record: halve the batch and try again; this does not count as
                // a retry of any one record.
                _batchSize = (failing.Count + 1) / 2;
                logger.LogWarning(
                    "{Consumer}/{ShardId}: a batch of {Count} failed ({Error}); retrying in batches of {BatchSize}",
                    _consumer, _shardId, failing.Count, error, _batchSize);
                await BackOffAsync(1, cancellationToken);
                return;
            }

            // Reported item failures name the culprit: retry it alone, and this failure counts.
            _batchSize = 1;
            failing = failing.Take(1).ToList();
        }

        var head = failing[0].Dynamodb.SequenceNumber;
        _headFailures = head == _failingHead ? _headFailures + 1 : 1;
        _failingHead = head;

        if (_headFailures > options.MaxRetryAttempts)
        {
            logger.LogError(
                "{Consumer}/{ShardId}: {Count} record(s) from {SequenceNumber} failed {Attempts} times and go to the dead letters: {Error}",
                _consumer, _shardId, failing.Count, head, _headFailures, error);
            await DeadLetterAsync(failing.Where(Wanted).ToList(), DeadLetterReasons.RetriesExhausted, error, _headFailures, writes);
            await HandledAsync(failing, writes);
            return;
        }

        logger.LogWarning(
            "{Consumer}/{ShardId}: record {SequenceNumber} failed (attempt {Attempt} of {Attempts}): {Error}",
            _consumer, _shardId, head, _headFailures, options.MaxRetryAttempts + 1, error);
        await BackOffAsync(_headFailures, cancellationToken);
    }

    /// <summary>Returns the sequence number to retry from, or null when the whole batch succeeded.</summary>
    private async Task<(string? FailedFrom, string Error, bool Reported, bool Outage)> InvokeAsync(
        List<DynamoDbStreamRecord> records, CancellationToken handlerCancelled)
    {
        using var activity = StartActivity(records);
        var streamEvent = new DynamoDbEvent { Records = records.Select(r => r with { EventSourceArn = streamArn }).ToList() };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(handlerCancelled);
        timeout.CancelAfter(options.HandlerTimeout);
        var started = clock.GetTimestamp();
        StreamsEventResponse response;
        try
        {
            response = await handler.HandleAsync(streamEvent, timeout.Token);
        }
        catch (DependencyUnavailableException exception) when (!handlerCancelled.IsCancellationRequested)
        {
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            return (records[0].Dynamodb.SequenceNumber, exception.Message, false, true);
        }
        catch (Exception exception)
        {
            // As Lambda does: a handler that throws (or times out) fails the whole batch.
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            var error = timeout.IsCancellationRequested && !handlerCancelled.IsCancellationRequested
                ? $"The handler did not finish within {options.HandlerTimeout}."
                : $"{exception.GetType().Name}: {exception.Message}";
            return (records[0].Dynamodb.SequenceNumber, error, false, false);
        }

        if (response.BatchItemFailures.Count == 0)
        {
            StreamConsumerTelemetry.RecordsHandled(_consumer, _shardId, records.Count, clock.GetElapsedTime(started).TotalMilliseconds);
            return (null, "", false, false);
        }

        activity?.SetStatus(ActivityStatusCode.Error, "batchItemFailures");
        var identifiers = records.Select(r => r.Dynamodb.SequenceNumber).ToHashSet(StringComparer.Ordinal);
        if (response.BatchItemFailures.Any(f => string.IsNullOrEmpty(f.ItemIdentifier) || !identifiers.Contains(f.ItemIdentifier)))
        {
            // Lambda treats an identifier that is not in the batch as a failure of the whole batch.
            return (records[0].Dynamodb.SequenceNumber, "The handler reported an item identifier that is not in the batch.", false, false);
        }

        var lowest = response.BatchItemFailures.Select(f => f.ItemIdentifier).Min(Comparer<string>.Create(SequenceNumbers.Compare))!;
        var handled = records.Count(r => SequenceNumbers.Compare(r.Dynamodb.SequenceNumber, lowest) < 0);
        StreamConsumerTelemetry.RecordsHandled(_consumer, _shardId, handled, clock.GetElapsedTime(started).TotalMilliseconds);
        return (lowest, "The handler reported a batch item failure.", true, false);
    }

    private Activity? StartActivity(List<DynamoDbStreamRecord> records)
    {
        var links = records
            .Select(StreamTraceContext.ParentOf)
            .Where(c => c != default)
            .Distinct()
            .Select(c => new ActivityLink(c))
            .ToList();
        // A batch of one command's records continues that command's trace; a mixed batch links to each of them.
        var parent = links.Count == 1 ? links[0].Context : default;
        var activity = StreamConsumerTelemetry.ActivitySource.StartActivity(
            $"{_consumer} process", ActivityKind.Consumer, parent, links: parent == default ? links : null);
        activity?.SetTag("messaging.system", "aws_dynamodb_streams");
        activity?.SetTag("messaging.consumer.group.name", _consumer);
        activity?.SetTag("messaging.destination.partition.id", _shardId);
        activity?.SetTag("messaging.batch.message_count", records.Count);
        return activity;
    }

    private bool Wanted(DynamoDbStreamRecord record)
    {
        if (options.ItemTypes.Count == 0)
        {
            return true;
        }

        var image = record.Dynamodb.NewImage ?? record.Dynamodb.OldImage;
        return image is not null && image.TryGetValue(Attributes.ItemType, out var type) && type.S is not null && options.ItemTypes.Contains(type.S);
    }

    private async Task DeadLetterAsync(
        List<DynamoDbStreamRecord> records, string reason, string error, int attempts, CancellationToken cancellationToken)
    {
        foreach (var record in records)
        {
            await deadLetters.PutAsync(
                new DeadLetter(_consumer, _shardId, record with { EventSourceArn = streamArn }, reason, error, attempts, clock.GetUtcNow()),
                cancellationToken);
        }

        StreamConsumerTelemetry.RecordsDeadLettered(_consumer, _shardId, records.Count, reason);
        if (reason == DeadLetterReasons.RecordTooOld)
        {
            await HandledAsync(records, cancellationToken);
        }
    }

    /// <summary>Checkpoints after <paramref name="records"/> (the head of the pending list) and drops them.</summary>
    private async Task HandledAsync(List<DynamoDbStreamRecord> records, CancellationToken cancellationToken)
    {
        var last = records[^1].Dynamodb.SequenceNumber;
        if (!await leases.CheckpointAsync(_consumer, _shardId, options.InstanceId, last, cancellationToken))
        {
            throw new LeaseLostException(_shardId);
        }

        _pending.RemoveRange(0, records.Count);
        _gatheringSince = null;
        if (_failingHead is not null && SequenceNumbers.Compare(last, _failingHead) >= 0)
        {
            _failingHead = null;
            _headFailures = 0;
        }

        if (_failingThrough is not null && SequenceNumbers.Compare(last, _failingThrough) >= 0)
        {
            _failingThrough = null;
            _batchSize = options.BatchSize;
        }
    }

    private async Task FinishAsync(CancellationToken cancellationToken)
    {
        if (!await leases.FinishAsync(_consumer, _shardId, options.InstanceId, cancellationToken))
        {
            throw new LeaseLostException(_shardId);
        }

        StreamConsumerTelemetry.ShardReleased(_consumer, _shardId);
        logger.LogInformation("{Consumer}/{ShardId}: the shard is closed and fully handled", _consumer, _shardId);
    }

    private Task BackOffAsync(int failures, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromTicks(Math.Min(
            options.RetryBackoff.Ticks * (1L << Math.Min(failures - 1, 20)),
            options.MaxRetryBackoff.Ticks));
        return Task.Delay(delay, clock, cancellationToken);
    }

    private async Task<string?> IteratorAfterAsync(string? sequenceNumber, CancellationToken cancellationToken)
    {
        try
        {
            return sequenceNumber is null
                ? await streams.GetShardIteratorAsync(streamArn, _shardId, ShardIteratorType.TrimHorizon, cancellationToken: cancellationToken)
                : await streams.GetShardIteratorAsync(streamArn, _shardId, ShardIteratorType.AfterSequenceNumber, sequenceNumber, cancellationToken);
        }
        catch (TrimmedDataAccessException)
        {
            return await IteratorAtOldestAsync(cancellationToken);
        }
        catch (StreamResourceNotFoundException)
        {
            // The shard aged out of the stream (24 hours after it closed): nothing is left to read in it.
            logger.LogError("{Consumer}/{ShardId}: the shard is gone from the stream; records after {Position} were never read", _consumer, _shardId, sequenceNumber);
            StreamConsumerTelemetry.TrimmedData(_consumer, _shardId);
            _closed = true;
            return null;
        }
    }

    private async Task<string> IteratorAtOldestAsync(CancellationToken cancellationToken)
    {
        // Records after our position were trimmed (24 h retention) before we read them: they are gone. Say so loudly,
        // and go on with the oldest record the stream still has, rather than stall the shard forever.
        logger.LogError(
            "{Consumer}/{ShardId}: records after {Position} were trimmed from the stream before they were read; resuming at the oldest record",
            _consumer, _shardId, _fetchedThrough);
        StreamConsumerTelemetry.TrimmedData(_consumer, _shardId);
        return await streams.GetShardIteratorAsync(streamArn, _shardId, ShardIteratorType.TrimHorizon, cancellationToken: cancellationToken);
    }
}
