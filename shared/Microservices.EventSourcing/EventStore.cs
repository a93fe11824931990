using System.Diagnostics;
using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microservices.SingleTable;
using Microsoft.Extensions.Options;

namespace Microservices.EventSourcing;

/// <summary>
/// Event streams in the single table. Appending writes the new event items and the caller's canonical item in one
/// TransactWriteItems; each event item is conditioned on its version being free, which is the optimistic
/// concurrency check: two writers that loaded the same version cannot both append.
/// </summary>
public sealed class EventStore(IAmazonDynamoDB dynamo, IOptions<DynamoDbOptions> options, EventTypeMap types)
{
    /// <summary>DynamoDB's limit on the items of one transaction.</summary>
    public const int MaxTransactionItems = 100;

    /// <summary>The source of the span around one append, whose context every appended event item carries.</summary>
    public const string ActivitySourceName = "Microservices.EventStore";

    private static readonly ActivitySource AppendSource = new(ActivitySourceName);

    private readonly string _table = options.Value.TableName;

    /// <summary>Every event of the stream, in order (one strongly consistent Query, a page per MB).</summary>
    public async Task<IReadOnlyList<RecordedEvent>> ReadAsync(StreamName stream, CancellationToken cancellationToken) =>
        await dynamo.QueryAllAsync(StreamQuery(stream), cancellationToken).Select(Recorded).ToListAsync(cancellationToken);

    /// <summary>
    /// The stream read backwards from its newest event to the newest one that carries a snapshot
    /// (<see cref="EventItem.Snapshot"/>): one strongly consistent Query, its first page a single item, which is the
    /// whole read when the last append wrote a snapshot. Without a snapshot on the newest event the rest is read a page
    /// (1 MB) at a time until one is found or the stream begins, so a stream without any snapshot comes back whole.
    /// </summary>
    public async Task<StreamTail> ReadTailAsync(StreamName stream, CancellationToken cancellationToken)
    {
        var request = StreamQuery(stream);
        request.ScanIndexForward = false;
        request.Limit = 1;
        var newestFirst = new List<Dictionary<string, AttributeValue>>();
        do
        {
            var page = await dynamo.QueryAsync(request, cancellationToken);
            foreach (var item in page.Items ?? [])
            {
                if (item.GetValueOrDefault(EventItem.Snapshot)?.S is { } snapshot)
                {
                    return new StreamTail(snapshot, VersionOf(item), [.. Enumerable.Reverse(newestFirst).Select(Recorded)]);
                }

                newestFirst.Add(item);
            }

            request.Limit = null;
            request.ExclusiveStartKey = page.LastEvaluatedKey is { Count: > 0 } ? page.LastEvaluatedKey : null;
        }
        while (request.ExclusiveStartKey is not null);

        return new StreamTail(null, 0, [.. Enumerable.Reverse(newestFirst).Select(Recorded)]);
    }

    private QueryRequest StreamQuery(StreamName stream) => new()
    {
        TableName = _table,
        KeyConditionExpression = "PK = :pk",
        ExpressionAttributeValues = new() { [":pk"] = new AttributeValue(stream.Partition) },
        ConsistentRead = true,
    };

    private RecordedEvent Recorded(Dictionary<string, AttributeValue> item) => new(
        VersionOf(item),
        item[EventItem.EventType].S,
        types.Deserialize(item[EventItem.EventType].S, item[EventItem.Data].S),
        DateTimeOffset.Parse(item[EventItem.RecordedAt].S, CultureInfo.InvariantCulture));

    private static long VersionOf(Dictionary<string, AttributeValue> item) => long.Parse(item[EventItem.Version].N, CultureInfo.InvariantCulture);

    /// <summary>
    /// Appends events after <paramref name="expectedVersion"/> and returns the stream's new version. Each event item
    /// carries the trace context current at the append, so the stream consumer can continue the command's trace.
    /// </summary>
    /// <param name="snapshot">The state after the events as JSON, stored on the last event item; null stores none.</param>
    public async Task<long> AppendAsync(
        StreamName stream,
        long expectedVersion,
        IReadOnlyList<object> events,
        IReadOnlyList<GuardedWrite> alongside,
        string? snapshot,
        CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return expectedVersion;
        }

        using var activity = StartAppendActivity(stream, expectedVersion, events.Count);
        try
        {
            return await AppendInTransactionAsync(stream, expectedVersion, events, alongside, snapshot, cancellationToken);
        }
        catch (Exception exception)
        {
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            throw;
        }
    }

    private static Activity? StartAppendActivity(StreamName stream, long expectedVersion, int eventCount)
    {
        // Only within a trace: an append nobody traced (a tool, a test) should not start traces of its own.
        if (Activity.Current is null)
        {
            return null;
        }

        return AppendSource.StartActivity(ActivityKind.Producer, name: $"append {stream.Type}", tags:
        [
            new("eventstore.stream", stream.ToString()),
            new("eventstore.expected_version", expectedVersion),
            new("eventstore.event_count", eventCount),
        ]);
    }

    private async Task<long> AppendInTransactionAsync(
        StreamName stream,
        long expectedVersion,
        IReadOnlyList<object> events,
        IReadOnlyList<GuardedWrite> alongside,
        string? snapshot,
        CancellationToken cancellationToken)
    {
        if (events.Count + alongside.Count > MaxTransactionItems)
        {
            throw new InvalidOperationException(
                $"A transaction holds at most {MaxTransactionItems} items; this one has {events.Count + alongside.Count}.");
        }

        var recordedAt = DateTimeOffset.UtcNow;
        var items = new List<TransactWriteItem>(events.Count + alongside.Count);
        for (var i = 0; i < events.Count; i++)
        {
            var item = NewEventItem(stream, expectedVersion + i + 1, events[i], recordedAt);
            if (i == events.Count - 1 && snapshot is not null)
            {
                item[EventItem.Snapshot] = new AttributeValue(snapshot);
            }

            items.Add(new TransactWriteItem
            {
                Put = new Put
                {
                    TableName = _table,
                    Item = item,
                    ConditionExpression = "attribute_not_exists(PK)",
                },
            });
        }

        items.AddRange(alongside.Select(write => write.Item));

        try
        {
            var request = new TransactWriteItemsRequest { TransactItems = items };
            DynamoDbLimits.CheckTransaction(request);
            await dynamo.TransactWriteItemsAsync(request, cancellationToken);
        }
        catch (TransactionCanceledException canceled)
        {
            var reasons = canceled.CancellationReasons ?? [];
            for (var i = 0; i < reasons.Count; i++)
            {
                if (reasons[i].Code != "ConditionalCheckFailed")
                {
                    continue;
                }

                if (i < events.Count)
                {
                    throw new VersionConflictException(stream.ToString(), await CurrentVersionAsync(stream, cancellationToken));
                }

                throw alongside[i - events.Count].WhenConditionFails();
            }

            throw;
        }

        return expectedVersion + events.Count;
    }

    public async Task<long> CurrentVersionAsync(StreamName stream, CancellationToken cancellationToken)
    {
        var request = StreamQuery(stream);
        request.ScanIndexForward = false;
        request.Limit = 1;
        request.ProjectionExpression = EventItem.Version;
        var last = await dynamo.QueryAsync(request, cancellationToken);
        return last.Items is [var item, ..] ? VersionOf(item) : 0;
    }

    private Dictionary<string, AttributeValue> NewEventItem(StreamName stream, long version, object @event, DateTimeOffset recordedAt)
    {
        var key = EventItem.Key(stream.Type, stream.Id, version);
        var contract = types.ContractOf(@event, new EventEnvelope(stream, version, recordedAt));
        var item = new Dictionary<string, AttributeValue>
        {
            [TableLayout.PK] = new(key.PK),
            [TableLayout.SK] = new(key.SK),
            [TableLayout.ItemType] = new(EventItem.ItemType),
            [EventItem.StreamType] = new(stream.Type),
            [EventItem.StreamId] = new(stream.Id),
            [EventItem.Version] = new() { N = version.ToString(CultureInfo.InvariantCulture) },
            [EventItem.EventType] = new(types.NameOf(@event)),
            [EventItem.Data] = new(EventTypeMap.Serialize(@event)),
            [EventItem.RecordedAt] = new(recordedAt.ToString("O", CultureInfo.InvariantCulture)),
            // The integration contract, recorded by the service that owns the event, so the relay needs no service's code.
            [EventItem.ContractType] = new(contract?.GetType().FullName ?? EventTypeMap.NoContract),
        };
        if (contract is not null)
        {
            item[EventItem.Contract] = new(EventTypeMap.Serialize(contract));
        }

        EventTraceContext.Stamp(item, Activity.Current);
        return item;
    }
}
