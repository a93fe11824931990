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

    public async Task<IReadOnlyList<RecordedEvent>> ReadAsync(StreamName stream, CancellationToken cancellationToken)
    {
        return await dynamo.QueryAllAsync(new QueryRequest
            {
                TableName = _table,
                KeyConditionExpression = "PK = :pk",
                ExpressionAttributeValues = new() { [":pk"] = new AttributeValue(stream.Partition) },
                ConsistentRead = true,
            }, cancellationToken)
            .Select(item => new RecordedEvent(
                long.Parse(item[EventItem.Version].N, CultureInfo.InvariantCulture),
                item[EventItem.EventType].S,
                types.Deserialize(item[EventItem.EventType].S, item[EventItem.Data].S),
                DateTimeOffset.Parse(item[EventItem.RecordedAt].S, CultureInfo.InvariantCulture)))
            .ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Appends events after <paramref name="expectedVersion"/> and returns the stream's new version. Each event item
    /// carries the trace context current at the append, so the stream consumer can continue the command's trace.
    /// </summary>
    public async Task<long> AppendAsync(
        StreamName stream,
        long expectedVersion,
        IReadOnlyList<object> events,
        IReadOnlyList<GuardedWrite> alongside,
        CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return expectedVersion;
        }

        using var activity = StartAppendActivity(stream, expectedVersion, events.Count);
        try
        {
            return await AppendInTransactionAsync(stream, expectedVersion, events, alongside, cancellationToken);
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
            items.Add(new TransactWriteItem
            {
                Put = new Put
                {
                    TableName = _table,
                    Item = NewEventItem(stream, expectedVersion + i + 1, events[i], recordedAt),
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
        var last = await dynamo.QueryAsync(new QueryRequest
        {
            TableName = _table,
            KeyConditionExpression = "PK = :pk",
            ExpressionAttributeValues = new() { [":pk"] = new AttributeValue(stream.Partition) },
            ScanIndexForward = false,
            Limit = 1,
            ConsistentRead = true,
        }, cancellationToken);
        return last.Items is [var item, ..] ? long.Parse(item[EventItem.Version].N, CultureInfo.InvariantCulture) : 0;
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
