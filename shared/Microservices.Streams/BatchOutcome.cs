using Microservices.Streams.Lambda;

namespace Microservices.Streams;

/// <summary>What a handler call came to.</summary>
public abstract record HandlerResult
{
    /// <summary>Every record was taken.</summary>
    public sealed record Succeeded : HandlerResult;

    /// <summary>
    /// The records from <paramref name="FromSequenceNumber"/> on were not taken. <paramref name="Reported"/> is true when
    /// the handler named that record in batchItemFailures, false when it threw or timed out (any record could be at fault).
    /// </summary>
    public sealed record Failed(string FromSequenceNumber, string Error, bool Reported) : HandlerResult;

    /// <summary>Something every record needs is down (<see cref="DependencyUnavailableException"/>): no record's fault.</summary>
    public sealed record DependencyDown(string Error) : HandlerResult;
}

/// <summary>
/// The failing stretch of a shard being retried: how far it reaches, the batch size bisecting narrowed it to, the record
/// at its head and how often that record failed, and how many handler calls in a row found a dependency down.
/// </summary>
public sealed record RetryState(int BatchSize, string? FailingThrough, string? FailingHead, int HeadFailures, int OutageFailures)
{
    public static RetryState Fresh(StreamConsumerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new(options.BatchSize, null, null, 0, 0);
    }

    /// <summary>True while a failing record is retried: no more records are fetched until it is behind us.</summary>
    public bool Retrying => FailingHead is not null;

    /// <summary>After a checkpoint at <paramref name="sequenceNumber"/>: what lay behind it no longer fails.</summary>
    internal RetryState CheckpointedAt(string sequenceNumber, int fullBatchSize)
    {
        var state = this;
        if (state.FailingHead is not null && SequenceNumbers.Compare(sequenceNumber, state.FailingHead) >= 0)
        {
            state = state with { FailingHead = null, HeadFailures = 0 };
        }

        if (state.FailingThrough is not null && SequenceNumbers.Compare(sequenceNumber, state.FailingThrough) >= 0)
        {
            state = state with { FailingThrough = null, BatchSize = fullBatchSize };
        }

        return state;
    }
}

/// <summary>What the reader does with a batch before calling the handler.</summary>
/// <param name="Batch">The records at the head of the pending list that make up this batch.</param>
/// <param name="TooOld">How many records at the batch's head are past the maximum record age: dead-letter them, checkpoint past them, and stop there.</param>
/// <param name="Wanted">The batch's records that pass the filter; none means checkpoint the batch without a call.</param>
public sealed record BatchPlan(IReadOnlyList<DynamoDbStreamRecord> Batch, int TooOld, IReadOnlyList<DynamoDbStreamRecord> Wanted);

/// <summary>What the reader does after a handler call, in this order: dead-letter, checkpoint, wait.</summary>
/// <param name="Checkpoint">How many records at the batch's head to checkpoint past: handled, or dead-lettered.</param>
/// <param name="DeadLetters">Records that exhausted their retries.</param>
/// <param name="Attempts">How often the dead-lettered records failed.</param>
/// <param name="Wait">How long to back off before the next attempt; zero when nothing failed.</param>
/// <param name="Retried">Whether this counts as a failed call to be tried again (the retries metric).</param>
/// <param name="Bisected">The batch size the failing stretch was halved to, when it was.</param>
/// <param name="Next">The retry state from now on.</param>
public sealed record BatchDecision(
    int Checkpoint,
    IReadOnlyList<DynamoDbStreamRecord> DeadLetters,
    int Attempts,
    TimeSpan Wait,
    bool Retried,
    int? Bisected,
    RetryState Next);

/// <summary>
/// The outcome of a batch, as a pure function of the options, the retry state, the batch and what the handler did, with
/// Lambda's semantics: a partial batch failure checkpoints everything before the lowest failed record; a thrown error
/// halves the batch until the failing record is alone (not counted as a retry); a reported failure names its record,
/// which is retried alone at once; a record alone that failed MaxRetryAttempts + 1 times is dead-lettered and the
/// checkpoint moves past it; records past the maximum record age are dead-lettered unhandled; a dependency that is
/// down is waited out with the same batch, counting against no record. The shard reader does the I/O this decides.
/// </summary>
public static class BatchOutcome
{
    /// <summary>The next batch from <paramref name="pending"/> (in stream order), its records too old to handle, and those the filter wants.</summary>
    public static BatchPlan Plan(
        StreamConsumerOptions options, RetryState state, IReadOnlyList<DynamoDbStreamRecord> pending, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(pending);
        var batch = pending.Take(state.BatchSize).ToList();
        var tooOld = options.MaxRecordAge is { } maxAge
            ? batch.TakeWhile(r => now - r.Dynamodb.ApproximateCreationDateTime > maxAge).Count()
            : 0;
        var wanted = tooOld > 0 ? [] : batch.Where(r => options.Filter?.Invoke(r) ?? true).ToList();
        return new BatchPlan(batch, tooOld, wanted);
    }

    /// <summary>Decides what follows a handler call on <paramref name="plan"/>'s wanted records.</summary>
    public static BatchDecision Decide(StreamConsumerOptions options, RetryState state, BatchPlan plan, HandlerResult result)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(plan);
        var batch = plan.Batch;
        switch (result)
        {
            case HandlerResult.DependencyDown:
                var outages = state.OutageFailures + 1;
                return new BatchDecision(0, [], 0, Backoff(options, outages), Retried: false, null, state with { OutageFailures = outages });

            case HandlerResult.Succeeded:
                return new BatchDecision(batch.Count, [], 0, TimeSpan.Zero, Retried: false, null, Checkpointed(options, state with { OutageFailures = 0 }, batch, batch.Count));

            case HandlerResult.Failed failed:
                return Failed(options, state with { OutageFailures = 0 }, plan, failed);

            default:
                throw new ArgumentOutOfRangeException(nameof(result), result, "Unknown handler result.");
        }
    }

    /// <summary>The wait after the <paramref name="failures"/>-th failure in a row: the first backoff, doubling up to the maximum.</summary>
    public static TimeSpan Backoff(StreamConsumerOptions options, int failures)
    {
        ArgumentNullException.ThrowIfNull(options);
        return TimeSpan.FromTicks(Math.Min(
            options.RetryBackoff.Ticks * (1L << Math.Clamp(failures - 1, 0, 20)),
            options.MaxRetryBackoff.Ticks));
    }

    private static BatchDecision Failed(StreamConsumerOptions options, RetryState state, BatchPlan plan, HandlerResult.Failed failed)
    {
        var batch = plan.Batch;
        var succeeded = batch.TakeWhile(r => SequenceNumbers.Compare(r.Dynamodb.SequenceNumber, failed.FromSequenceNumber) < 0).Count();
        state = Checkpointed(options, state, batch, succeeded);
        var failing = batch.Skip(succeeded).ToList();
        state = state with { FailingThrough = state.FailingThrough ?? failing[^1].Dynamodb.SequenceNumber };

        if (options.BisectBatchOnError && failing.Count > 1)
        {
            if (!failed.Reported)
            {
                // A thrown error could come from any record: halve and try again, which is no retry of any one record.
                var half = (failing.Count + 1) / 2;
                return new BatchDecision(succeeded, [], 0, Backoff(options, 1), Retried: true, half, state with { BatchSize = half });
            }

            // A reported failure names its record: retry it alone, and this failure counts.
            state = state with { BatchSize = 1 };
            failing = failing.Take(1).ToList();
        }

        var head = failing[0].Dynamodb.SequenceNumber;
        var failures = head == state.FailingHead ? state.HeadFailures + 1 : 1;
        state = state with { FailingHead = head, HeadFailures = failures };
        if (failures > options.MaxRetryAttempts)
        {
            var through = succeeded + failing.Count;
            var deadLetters = failing.Where(r => options.Filter?.Invoke(r) ?? true).ToList();
            return new BatchDecision(through, deadLetters, failures, TimeSpan.Zero, Retried: true, null, Checkpointed(options, state, batch, through));
        }

        return new BatchDecision(succeeded, [], 0, Backoff(options, failures), Retried: true, null, state);
    }

    private static RetryState Checkpointed(StreamConsumerOptions options, RetryState state, IReadOnlyList<DynamoDbStreamRecord> batch, int count) =>
        count == 0 ? state : state.CheckpointedAt(batch[count - 1].Dynamodb.SequenceNumber, options.BatchSize);
}
