using System.Diagnostics;
using Microservices.Streams.Lambda;
using Microsoft.Extensions.Logging;

namespace Microservices.Streams;

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

    // Bisecting, retries and outages: the pure model decides, this loop does the I/O.
    private RetryState _retry = RetryState.Fresh(options);

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
            if (_iterator is not null && !_closed && !_retry.Retrying && _pending.Count < options.BatchSize)
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
        if (_pending.Count >= options.BatchSize || _closed || _retry.FailingThrough is not null || options.BatchingWindow <= TimeSpan.Zero)
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
        var plan = BatchOutcome.Plan(options, _retry, _pending, clock.GetUtcNow());
        if (plan.TooOld > 0)
        {
            var tooOld = plan.Batch.Take(plan.TooOld).ToList();
            await DeadLetterAsync(tooOld, DeadLetterReasons.RecordTooOld, $"Older than the maximum record age of {options.MaxRecordAge}.", 0, handlerCancelled);
            await CheckpointAsync(tooOld.Count, handlerCancelled);
            return;
        }

        if (plan.Wanted.Count == 0)
        {
            StreamConsumerTelemetry.RecordsFiltered(_consumer, _shardId, plan.Batch.Count);
            await CheckpointAsync(plan.Batch.Count, handlerCancelled);
            return;
        }

        var result = await InvokeAsync(plan.Wanted, handlerCancelled);
        var decision = BatchOutcome.Decide(options, _retry, plan, result);
        Log(plan, result, decision);
        if (result is HandlerResult.Succeeded)
        {
            StreamConsumerTelemetry.RecordsFiltered(_consumer, _shardId, plan.Batch.Count - plan.Wanted.Count);
            StreamConsumerTelemetry.IteratorAge(_consumer, _shardId, clock.GetUtcNow() - (plan.Batch[^1].Dynamodb.ApproximateCreationDateTime ?? clock.GetUtcNow()));
        }
        else if (result is HandlerResult.DependencyDown)
        {
            StreamConsumerTelemetry.DependencyWait(_consumer, _shardId);
        }
        else if (decision.Retried)
        {
            StreamConsumerTelemetry.Retry(_consumer, _shardId);
        }

        // Dead letters are written before the checkpoint passes them, so a crash in between redelivers, never loses.
        if (decision.DeadLetters.Count > 0)
        {
            await DeadLetterAsync(decision.DeadLetters.ToList(), DeadLetterReasons.RetriesExhausted, ((HandlerResult.Failed)result).Error, decision.Attempts, handlerCancelled);
        }

        await CheckpointAsync(decision.Checkpoint, handlerCancelled);
        _retry = decision.Next;
        if (decision.Wait > TimeSpan.Zero)
        {
            await Task.Delay(decision.Wait, clock, stopping);
        }
    }

    private void Log(BatchPlan plan, HandlerResult result, BatchDecision decision)
    {
        switch (result)
        {
            case HandlerResult.DependencyDown down:
                logger.LogWarning("{Consumer}/{ShardId}: a dependency is unavailable ({Error}); waiting before trying again", _consumer, _shardId, down.Error);
                break;
            case HandlerResult.Failed failed when decision.Bisected is { } half:
                logger.LogWarning(
                    "{Consumer}/{ShardId}: a batch of {Count} failed ({Error}); retrying in batches of {BatchSize}",
                    _consumer, _shardId, plan.Batch.Count - decision.Checkpoint, failed.Error, half);
                break;
            case HandlerResult.Failed failed when decision.DeadLetters.Count > 0:
                logger.LogError(
                    "{Consumer}/{ShardId}: {Count} record(s) from {SequenceNumber} failed {Attempts} times and go to the dead letters: {Error}",
                    _consumer, _shardId, decision.DeadLetters.Count, decision.DeadLetters[0].Dynamodb.SequenceNumber, decision.Attempts, failed.Error);
                break;
            case HandlerResult.Failed failed:
                logger.LogWarning(
                    "{Consumer}/{ShardId}: record {SequenceNumber} failed (attempt {Attempt} of {Attempts}): {Error}",
                    _consumer, _shardId, decision.Next.FailingHead, decision.Next.HeadFailures, options.MaxRetryAttempts + 1, failed.Error);
                break;
        }
    }

    private async Task<HandlerResult> InvokeAsync(IReadOnlyList<DynamoDbStreamRecord> records, CancellationToken handlerCancelled)
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
            return new HandlerResult.DependencyDown(exception.Message);
        }
        catch (Exception exception)
        {
            // As Lambda does: a handler that throws (or times out) fails the whole batch.
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            var error = timeout.IsCancellationRequested && !handlerCancelled.IsCancellationRequested
                ? $"The handler did not finish within {options.HandlerTimeout}."
                : $"{exception.GetType().Name}: {exception.Message}";
            return new HandlerResult.Failed(records[0].Dynamodb.SequenceNumber, error, Reported: false);
        }

        if (response.BatchItemFailures.Count == 0)
        {
            StreamConsumerTelemetry.RecordsHandled(_consumer, _shardId, records.Count, clock.GetElapsedTime(started).TotalMilliseconds);
            return new HandlerResult.Succeeded();
        }

        activity?.SetStatus(ActivityStatusCode.Error, "batchItemFailures");
        var identifiers = records.Select(r => r.Dynamodb.SequenceNumber).ToHashSet(StringComparer.Ordinal);
        if (response.BatchItemFailures.Any(f => string.IsNullOrEmpty(f.ItemIdentifier) || !identifiers.Contains(f.ItemIdentifier)))
        {
            // Lambda treats an identifier that is not in the batch as a failure of the whole batch.
            return new HandlerResult.Failed(records[0].Dynamodb.SequenceNumber, "The handler reported an item identifier that is not in the batch.", Reported: false);
        }

        var lowest = response.BatchItemFailures.Select(f => f.ItemIdentifier).Min(Comparer<string>.Create(SequenceNumbers.Compare))!;
        var handled = records.Count(r => SequenceNumbers.Compare(r.Dynamodb.SequenceNumber, lowest) < 0);
        StreamConsumerTelemetry.RecordsHandled(_consumer, _shardId, handled, clock.GetElapsedTime(started).TotalMilliseconds);
        return new HandlerResult.Failed(lowest, "The handler reported a batch item failure.", Reported: true);
    }

    private Activity? StartActivity(IReadOnlyList<DynamoDbStreamRecord> records)
    {
        var parentOf = options.TraceParent ?? (_ => default);
        var links = records
            .Select(parentOf)
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
    }

    /// <summary>Checkpoints after the first <paramref name="count"/> pending records and drops them.</summary>
    private async Task CheckpointAsync(int count, CancellationToken cancellationToken)
    {
        if (count == 0)
        {
            return;
        }

        if (!await leases.CheckpointAsync(_consumer, _shardId, options.InstanceId, _pending[count - 1].Dynamodb.SequenceNumber, cancellationToken))
        {
            throw new LeaseLostException(_shardId);
        }

        _pending.RemoveRange(0, count);
        _gatheringSince = null;
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
