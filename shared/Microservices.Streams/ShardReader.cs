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
/// age and dead letters, and up to ParallelizationFactor batches in the handler at once, one per lane of keys
/// (<see cref="ShardProgress"/>). The checkpoint only ever moves past records that were handled or dead-lettered
/// and all of whose predecessors were, so a crash at any point redelivers, and never skips.
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

    // Which records wait, which lane each is in, which are done: the pure model decides, this loop does the I/O.
    private readonly ShardProgress _progress = new(options);
    private readonly Dictionary<int, Task<BatchDecision>> _running = [];
    private readonly long[] _laneReadyAt = new long[options.ParallelizationFactor];

    private string? _fetchedThrough = lease.Checkpoint;
    private string? _iterator;
    private bool _closed;
    private long? _gatheringSince;
    private long _nextReadAt;
    private TimeSpan _idleWait;

    /// <param name="stopping">Stops reading and handing over batches.</param>
    /// <param name="handlerCancelled">
    /// Cancels the batches in the handler and their checkpoints (shutdown grace over, or lease lost); until then the
    /// batches handed over when the stop came are finished and checkpointed, so a clean stop redelivers nothing.
    /// </param>
    public async Task RunAsync(CancellationToken stopping, CancellationToken handlerCancelled)
    {
        try
        {
            _iterator = await IteratorAfterAsync(_fetchedThrough, stopping);
            while (!stopping.IsCancellationRequested)
            {
                if (_iterator is not null && !_closed && _progress.Room > 0 && clock.GetTimestamp() >= _nextReadAt)
                {
                    try
                    {
                        await FetchAsync(stopping);
                    }
                    catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                    {
                        break;
                    }
                }

                if (_closed && _progress.Uncheckpointed == 0 && _progress.Idle)
                {
                    await FinishAsync(stopping);
                    return;
                }

                if (_progress.Uncheckpointed == 0)
                {
                    StreamConsumerTelemetry.IteratorAge(_consumer, _shardId, TimeSpan.Zero);
                }

                HandOverReadyBatches(handlerCancelled, stopping);
                await UntilSomethingToDoAsync(stopping);
                await EndFinishedBatchesAsync(handlerCancelled);
            }

            // Stopping: the batches already in the handler finish (or are cancelled) and are checkpointed.
            while (_running.Count > 0)
            {
                await Task.WhenAny(_running.Values);
                await EndFinishedBatchesAsync(handlerCancelled);
            }
        }
        finally
        {
            // Whatever ended the reader, no batch of it is left in the handler when a new reader may start.
            if (_running.Count > 0)
            {
                await Task.WhenAll(_running.Values).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            }
        }
    }

    private void HandOverReadyBatches(CancellationToken handlerCancelled, CancellationToken stopping)
    {
        var now = clock.GetTimestamp();
        foreach (var lane in _progress.FreeLanes().ToList())
        {
            if (now >= _laneReadyAt[lane] && BatchReady(lane))
            {
                _gatheringSince = null;
                var retry = _progress.RetryOf(lane);
                var plan = _progress.Take(lane, clock.GetUtcNow());
                _running[lane] = Task.Run(() => HandleBatchAsync(retry, plan, handlerCancelled), CancellationToken.None);
            }
        }

        if (_progress.FreeLanes().Any())
        {
            _gatheringSince ??= now;
        }
    }

    private bool BatchReady(int lane) =>
        _progress.Full(lane) || _closed || options.BatchingWindow <= TimeSpan.Zero
        || (_gatheringSince is { } since && clock.GetElapsedTime(since) >= options.BatchingWindow);

    /// <summary>Waits until a batch finishes, a read is due, a lane's backoff is over or a batching window closes.</summary>
    private async Task UntilSomethingToDoAsync(CancellationToken stopping)
    {
        var now = clock.GetTimestamp();
        var wakeAt = long.MaxValue;
        if (_iterator is not null && !_closed && _progress.Room > 0)
        {
            wakeAt = _nextReadAt;
        }

        foreach (var lane in _progress.FreeLanes())
        {
            wakeAt = Math.Min(wakeAt, _laneReadyAt[lane] > now ? _laneReadyAt[lane]
                : _gatheringSince is { } since ? since + Ticks(options.BatchingWindow) : now);
        }

        if (wakeAt <= now)
        {
            return;
        }

        // Nothing to read, hand over or wait for (a shard closed with its last batch in the handler): poll at most idly.
        var wait = wakeAt == long.MaxValue ? options.PollInterval : clock.GetElapsedTime(now, wakeAt);
        using var woken = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var delay = Task.Delay(wait, clock, woken.Token);
        await Task.WhenAny(_running.Values.Append(delay));
        await woken.CancelAsync();
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * clock.TimestampFrequency);

    private async Task EndFinishedBatchesAsync(CancellationToken handlerCancelled)
    {
        foreach (var (lane, task) in _running.Where(r => r.Value.IsCompleted).ToList())
        {
            _running.Remove(lane);
            var decision = await task;
            _progress.Complete(lane, decision.Checkpoint, decision.Next);
            _laneReadyAt[lane] = clock.GetTimestamp() + Ticks(decision.Wait);
        }

        if (_progress.Advance() is { } through)
        {
            if (!await leases.CheckpointAsync(_consumer, _shardId, options.InstanceId, through, handlerCancelled))
            {
                throw new LeaseLostException(_shardId);
            }
        }
    }

    private async Task FetchAsync(CancellationToken cancellationToken)
    {
        GetRecordsResult page;
        var asked = Math.Min(1000, _progress.Room);
        try
        {
            page = await streams.GetRecordsAsync(_iterator!, asked, cancellationToken);
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
            ReadAgainAfter(options.PollInterval);
            return;
        }

        // After trimmed data the oldest record may be one already read; each record is handed over once per read.
        var fresh = page.Records
            .Where(r => _fetchedThrough is null || SequenceNumbers.Compare(r.Dynamodb.SequenceNumber, _fetchedThrough) > 0)
            .ToList();
        if (fresh.Count > 0)
        {
            _progress.Add(fresh);
            _fetchedThrough = fresh[^1].Dynamodb.SequenceNumber;
        }

        _iterator = page.NextShardIterator;
        _closed = page.NextShardIterator is null;

        // Records flowing: a full page is followed at once, a part page after the short interval. Idle: the wait
        // doubles from the short interval up to the poll interval, so a quiet shard costs four reads a second.
        _idleWait = page.Records.Count > 0 ? TimeSpan.Zero
            : _idleWait == TimeSpan.Zero ? options.EffectiveMinPollInterval
            : TimeSpan.FromTicks(Math.Min(_idleWait.Ticks * 2, options.PollInterval.Ticks));
        ReadAgainAfter(page.Records.Count >= asked ? TimeSpan.Zero : page.Records.Count > 0 ? options.EffectiveMinPollInterval : _idleWait);
    }

    private void ReadAgainAfter(TimeSpan wait) => _nextReadAt = clock.GetTimestamp() + Ticks(wait);

    /// <summary>One lane's batch: the handler call and the dead letters it leads to. The loop checkpoints after it.</summary>
    private async Task<BatchDecision> HandleBatchAsync(RetryState retry, BatchPlan plan, CancellationToken handlerCancelled)
    {
        if (plan.TooOld > 0)
        {
            var tooOld = plan.Batch.Take(plan.TooOld).ToList();
            await DeadLetterAsync(tooOld, DeadLetterReasons.RecordTooOld, $"Older than the maximum record age of {options.MaxRecordAge}.", 0, handlerCancelled);
            return new BatchDecision(tooOld.Count, [], 0, TimeSpan.Zero, Retried: false, null, retry);
        }

        if (plan.Wanted.Count == 0)
        {
            StreamConsumerTelemetry.RecordsFiltered(_consumer, _shardId, plan.Batch.Count);
            return new BatchDecision(plan.Batch.Count, [], 0, TimeSpan.Zero, Retried: false, null, retry);
        }

        var result = await InvokeAsync(plan.Wanted, handlerCancelled);
        var decision = BatchOutcome.Decide(options, retry, plan, result);
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

        return decision;
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
        if (_fetchedThrough is null)
        {
            // Nothing read yet, so nothing skipped: a reader that starts at the oldest record found that record trimmed
            // meanwhile (DynamoDB Local answers a fresh shard's first read so), and simply starts at the new oldest.
            logger.LogInformation("{Consumer}/{ShardId}: the oldest record moved before the first read; starting at the oldest again", _consumer, _shardId);
        }
        else
        {
            // Records after our position were trimmed (24 h retention) before we read them: they are gone. Say so
            // loudly, and go on with the oldest record the stream still has, rather than stall the shard forever.
            logger.LogError(
                "{Consumer}/{ShardId}: records after {Position} were trimmed from the stream before they were read; resuming at the oldest record",
                _consumer, _shardId, _fetchedThrough);
            StreamConsumerTelemetry.TrimmedData(_consumer, _shardId);
        }

        return await streams.GetShardIteratorAsync(streamArn, _shardId, ShardIteratorType.TrimHorizon, cancellationToken: cancellationToken);
    }
}
