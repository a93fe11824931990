using System.Globalization;
using Microservices.SingleTable;

namespace Microservices.EventSourcing;

/// <summary>
/// How an event is stored in the single table: one item per event, in its stream's partition, its version in the sort
/// key. <see cref="EventStore"/> writes these items and <see cref="StoredEvent"/> reads them back from a stream record.
/// </summary>
public static class EventItem
{
    /// <summary>The value of <see cref="TableLayout.ItemType"/> on every event item.</summary>
    public const string ItemType = "Event";

    public const string StreamType = "StreamType";
    public const string StreamId = "StreamId";
    public const string Version = "Version";
    public const string EventType = "EventType";
    public const string Data = "Data";
    public const string RecordedAt = "RecordedAt";

    /// <summary>The integration contract's type name, recorded by the service that owns the event (or "none").</summary>
    public const string ContractType = "ContractType";

    /// <summary>The integration contract as JSON, when the event has one.</summary>
    public const string Contract = "Contract";

    /// <summary>
    /// The aggregate's state after this event, as JSON (<see cref="StateSnapshot"/>), on the last event of each append
    /// by the command runner: a command loads it and folds only the events after it. Absent on other events and on
    /// events appended before snapshots were written.
    /// </summary>
    public const string Snapshot = "Snapshot";

    /// <summary>The W3C trace context of the append, so a stream consumer continues the command's trace.</summary>
    public const string TraceParent = "TraceParent";

    public const string TraceState = "TraceState";

    public static readonly KeyTemplate PartitionKey = new("STREAM#{streamType}#{streamId}");

    public static readonly KeyTemplate SortKey = new("EVENT#{version}");

    public static string StreamPartition(string streamType, string streamId) => PartitionKey.Build(streamType, streamId);

    /// <summary>An event: its version zero-padded to 10 digits, so a stream's events sort in order.</summary>
    public static ItemKey Key(string streamType, string streamId, long version) =>
        new(StreamPartition(streamType, streamId), SortKey.Build(version.ToString("D10", CultureInfo.InvariantCulture)));
}
