using System.Globalization;
using Amazon.DynamoDBv2.Model;
using Microservices.Schema;
using Microservices.SingleTable;
using Microservices.Streams;
using Microservices.Streams.Lambda;

namespace Ops.Soak;

/// <summary>
/// Measures convergence lag from the table's own stream, read by the soak as one more consumer: from an event's commit
/// (its <c>RecordedAt</c>) to the moment the last copy of the changed item carries that version or a newer one.
/// Measured for the copies that carry their source's version (a book's genre copy, from its book and its author; an
/// order's client copy, from its client) and the events that change what they copy. Aggregates carry no per-event
/// version; they are covered by the settling time and the check.
/// </summary>
public sealed class ConvergenceObserver : IDynamoDbStreamHandler
{
    /// <summary>The events whose change is copied, and the kind of stream they belong to.</summary>
    private static readonly HashSet<string> CopiedChanges = new(StringComparer.Ordinal)
    {
        "author.renamed.v1", "book.price-changed.v1", "book.retitled.v1", "book.genre-changed.v1", "client.details-changed.v1",
    };

    private readonly object _lock = new();
    private readonly List<(Source Source, long Version, string EventType, DateTimeOffset At, DateTimeOffset Seen)> _commits = [];
    private readonly Dictionary<Source, Dictionary<string, List<(long Version, DateTimeOffset At)>>> _copies = [];
    private long _records;
    private long _events;
    private long _copyWrites;
    private long _lastRecordTicks = DateTimeOffset.UtcNow.UtcTicks;
    private DateTimeOffset _measuredFrom = DateTimeOffset.MinValue;

    /// <summary>When the observer last saw any change of the table.</summary>
    public DateTimeOffset LastRecordAt => new(Interlocked.Read(ref _lastRecordTicks), TimeSpan.Zero);

    public long Records => Interlocked.Read(ref _records);

    /// <summary>Event items appended (every command that was accepted appended at least one).</summary>
    public long Events => Interlocked.Read(ref _events);

    /// <summary>Writes of genre copies, tombstones and orders' client copies.</summary>
    public long CopyWrites => Interlocked.Read(ref _copyWrites);

    public Task<StreamsEventResponse> HandleAsync(DynamoDbEvent streamEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(streamEvent);
        var now = DateTimeOffset.UtcNow;
        Interlocked.Exchange(ref _lastRecordTicks, now.UtcTicks);
        Interlocked.Add(ref _records, streamEvent.Records.Count);
        lock (_lock)
        {
            foreach (var record in streamEvent.Records)
            {
                if (record.Dynamodb.NewImage is { } image && image.TryGetValue(Attributes.ItemType, out var type))
                {
                    Observe(type.S, image, now);
                }
            }
        }

        return Task.FromResult(StreamsEventResponse.Success);
    }

    /// <summary>
    /// Every copied change whose copies could be followed: for each copy that once held an older version of the
    /// source, the first time it held this version or newer; the change's lag is the latest of those, less its commit.
    /// </summary>
    public IReadOnlyList<LagSample> Samples()
    {
        var samples = new List<LagSample>();
        lock (_lock)
        {
            foreach (var (source, version, eventType, committed, seen) in _commits)
            {
                if (committed < _measuredFrom || !_copies.TryGetValue(source, out var copies))
                {
                    continue;
                }

                DateTimeOffset? last = null;
                var followed = 0;
                foreach (var writes in copies.Values)
                {
                    var caughtUp = writes.FindIndex(w => w.Version >= version);
                    if (caughtUp >= 0 && writes.Exists(w => w.Version < version))
                    {
                        followed++;
                        last = last is null || writes[caughtUp].At > last ? writes[caughtUp].At : last;
                    }
                }

                if (last is { } at)
                {
                    samples.Add(new LagSample(source.Kind, source.Id, version, eventType, committed, Positive(seen - committed), Positive(at - committed), followed));
                }
            }
        }

        return samples;
    }

    /// <summary>From now on <see cref="Samples"/> leaves out the changes committed before <paramref name="from"/> (a warm-up's).</summary>
    public void MeasureFrom(DateTimeOffset from)
    {
        lock (_lock)
        {
            _measuredFrom = from;
        }
    }

    private static TimeSpan Positive(TimeSpan span) => span > TimeSpan.Zero ? span : TimeSpan.Zero;

    private void Observe(string itemType, Dictionary<string, AttributeValue> image, DateTimeOffset now)
    {
        switch (itemType)
        {
            case ItemTypes.Event:
                Interlocked.Increment(ref _events);
                if (CopiedChanges.Contains(image[Attributes.EventType].S))
                {
                    _commits.Add((new Source(image[Attributes.StreamType].S, image[Attributes.StreamId].S), Number(image, Attributes.Version),
                        image[Attributes.EventType].S, DateTimeOffset.Parse(image[Attributes.RecordedAt].S, CultureInfo.InvariantCulture), now));
                }

                break;
            case ItemTypes.GenreBook:
                Copy(new Source("book", image[Attributes.BookId].S), image[Attributes.BookId].S, Number(image, Attributes.BookVersion), now);
                Copy(new Source("author", image[Attributes.AuthorId].S), image[Attributes.BookId].S, Number(image, Attributes.AuthorVersion), now);
                break;
            case ItemTypes.GenreBookTombstone:
                Copy(new Source("book", image[Attributes.BookId].S), image[Attributes.BookId].S, Number(image, Attributes.BookVersion), now);
                break;
            case ItemTypes.Order:
                Copy(new Source("client", image[Attributes.ClientId].S), image[Attributes.OrderId].S, Number(image, Attributes.ClientVersion), now);
                break;
        }
    }

    private void Copy(Source source, string copy, long version, DateTimeOffset now)
    {
        Interlocked.Increment(ref _copyWrites);
        if (!_copies.TryGetValue(source, out var copies))
        {
            _copies[source] = copies = new Dictionary<string, List<(long, DateTimeOffset)>>(StringComparer.Ordinal);
        }

        if (!copies.TryGetValue(copy, out var writes))
        {
            copies[copy] = writes = [];
        }

        writes.Add((version, now));
    }

    private static long Number(Dictionary<string, AttributeValue> image, string attribute) =>
        image.TryGetValue(attribute, out var value) && value.N is { } n ? long.Parse(n, CultureInfo.InvariantCulture) : 0;

    private readonly record struct Source(string Kind, string Id);
}

/// <summary>
/// One followed change: its stream, version and event type, when it was committed, how long until the soak saw its
/// event on the stream, and how long until the last of its <paramref name="Copies"/> copies held it.
/// </summary>
public sealed record LagSample(string Stream, string Id, long Version, string EventType, DateTimeOffset Committed, TimeSpan OnStream, TimeSpan Lag, int Copies);
