using System.Text;
using Microservices.Streams.Lambda;

namespace Microservices.Streams;

/// <summary>
/// The records of one shard read and not yet checkpointed, and which of them are done, as a pure model (no I/O,
/// no clock, one caller at a time). Records are dealt to <see cref="StreamConsumerOptions.ParallelizationFactor"/>
/// lanes by their ordering key, so all records of one key share a lane. A lane hands over one batch at a time, the
/// next of its records in stream order, and keeps its own <see cref="RetryState"/>: bisecting, retries and dead
/// letters are <see cref="BatchOutcome"/>'s, applied to the lane's records. The checkpoint is the last record of
/// the shard's longest done prefix, so it never passes a record that is still waiting or in the handler, whichever
/// lane finished first.
/// </summary>
public sealed class ShardProgress
{
    private readonly StreamConsumerOptions _options;
    private readonly List<Entry> _pending = [];
    private readonly Lane[] _lanes;

    private sealed class Entry(DynamoDbStreamRecord record)
    {
        public DynamoDbStreamRecord Record { get; } = record;

        public bool Done { get; set; }
    }

    private sealed class Lane(RetryState retry)
    {
        public List<Entry> Entries { get; } = [];

        public List<DynamoDbStreamRecord> Records { get; } = [];

        public RetryState Retry { get; set; } = retry;

        public BatchPlan? InFlight { get; set; }
    }

    public ShardProgress(StreamConsumerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _lanes = [.. Enumerable.Range(0, options.ParallelizationFactor).Select(_ => new Lane(RetryState.Fresh(options)))];
    }

    /// <summary>Records read and not yet checkpointed, handled or not.</summary>
    public int Uncheckpointed => _pending.Count;

    /// <summary>How many records may still be read: room for a full batch in every lane, and some lane not held by a failing record.</summary>
    public int Room => _lanes.All(l => l.Retry.Retrying) ? 0 : Math.Max(0, (_options.BatchSize * _lanes.Length) - _pending.Count);

    public int LaneCount => _lanes.Length;

    /// <summary>True while no batch is in the handler.</summary>
    public bool Idle => _lanes.All(l => l.InFlight is null);

    /// <summary>The lane of a record: a stable hash of its ordering key (by default every key attribute, as Lambda orders by item).</summary>
    public static int LaneOf(StreamConsumerOptions options, DynamoDbStreamRecord record)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(record);
        if (options.ParallelizationFactor == 1)
        {
            return 0;
        }

        var key = options.OrderingKey?.Invoke(record) ?? ItemKey(record);
        // FNV-1a: the same lane in every process and run, unlike string.GetHashCode.
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(key))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return (int)(hash % (uint)options.ParallelizationFactor);
    }

    /// <summary>The record's item key as text: each key attribute's name, type and value, in name order.</summary>
    public static string ItemKey(DynamoDbStreamRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var keys = record.Dynamodb.Keys ?? [];
        var text = new StringBuilder();
        foreach (var (name, value) in keys.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            text.Append(name).Append('\u001f');
            text.Append(value.S is not null ? "S" : value.N is not null ? "N" : "B").Append('\u001f');
            text.Append(value.S ?? value.N ?? (value.B is { } b ? Convert.ToBase64String(b.ToArray()) : "")).Append('\u001e');
        }

        return text.ToString();
    }

    /// <summary>Adds records just read, in stream order, each to its key's lane.</summary>
    public void Add(IEnumerable<DynamoDbStreamRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        foreach (var record in records)
        {
            var entry = new Entry(record);
            _pending.Add(entry);
            var lane = _lanes[LaneOf(_options, record)];
            lane.Entries.Add(entry);
            lane.Records.Add(record);
        }
    }

    /// <summary>The lanes with records waiting and no batch in the handler.</summary>
    public IEnumerable<int> FreeLanes() =>
        Enumerable.Range(0, _lanes.Length).Where(i => _lanes[i].InFlight is null && _lanes[i].Records.Count > 0);

    /// <summary>Whether a free lane's batch may go without waiting for the batching window: it is full, or it retries a failing stretch.</summary>
    public bool Full(int lane) =>
        _lanes[lane].Records.Count >= _lanes[lane].Retry.BatchSize || _lanes[lane].Retry.FailingThrough is not null;

    /// <summary>Plans the lane's next batch (see <see cref="BatchOutcome.Plan"/>) and marks it in the handler.</summary>
    public BatchPlan Take(int lane, DateTimeOffset now)
    {
        var state = _lanes[lane];
        if (state.InFlight is not null)
        {
            throw new InvalidOperationException($"Lane {lane} already has a batch in the handler.");
        }

        state.InFlight = BatchOutcome.Plan(_options, state.Retry, state.Records, now);
        return state.InFlight;
    }

    /// <summary>The retry state of a lane, for <see cref="BatchOutcome.Decide"/>.</summary>
    public RetryState RetryOf(int lane) => _lanes[lane].Retry;

    /// <summary>
    /// Ends the lane's batch: its first <paramref name="done"/> records were handled, filtered or dead-lettered, and
    /// the lane retries with <paramref name="next"/> from now on.
    /// </summary>
    public void Complete(int lane, int done, RetryState next)
    {
        ArgumentNullException.ThrowIfNull(next);
        var state = _lanes[lane];
        if (state.InFlight is not { } plan || done > plan.Batch.Count)
        {
            throw new InvalidOperationException($"Lane {lane} has no batch of {done} records in the handler.");
        }

        foreach (var entry in state.Entries.Take(done))
        {
            entry.Done = true;
        }

        state.Entries.RemoveRange(0, done);
        state.Records.RemoveRange(0, done);
        state.Retry = next;
        state.InFlight = null;
    }

    /// <summary>
    /// Drops the done records at the head of the shard and returns the sequence number to checkpoint at (the last of
    /// them), or null when the head record is not done yet.
    /// </summary>
    public string? Advance()
    {
        var done = _pending.TakeWhile(e => e.Done).Count();
        if (done == 0)
        {
            return null;
        }

        var through = _pending[done - 1].Record.Dynamodb.SequenceNumber;
        _pending.RemoveRange(0, done);
        return through;
    }
}
