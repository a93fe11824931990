using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Amazon.DynamoDBv2.Model;
using Microservices.SingleTable;

namespace Microservices.EventSourcing;

/// <summary>
/// An event item as it arrived on the table's stream, with the integration contract its service recorded for it:
/// <see cref="ContractType"/> is the contract's type name, <see cref="EventTypeMap.NoContract"/> for an event the
/// service keeps to itself, and null for an event stored before contracts were recorded.
/// </summary>
public sealed record StoredEvent(
    string StreamType, string StreamId, long Version, string EventType, DateTimeOffset RecordedAt, string? ContractType, string? Contract)
{
    /// <summary>The stream's name as contracts carry it, e.g. <c>author-0193…</c>.</summary>
    public string Stream => $"{StreamType}-{StreamId}";

    public Guid EventId => EventIds.For(StreamType, StreamId, Version);

    /// <summary>
    /// Reads an event item (the new image of its insert on the stream). Anything else (canonical items, the workers'
    /// copies, no image at all) is not an event and gives false.
    /// </summary>
    public static bool TryRead(IReadOnlyDictionary<string, AttributeValue>? item, [NotNullWhen(true)] out StoredEvent? stored)
    {
        stored = null;
        if (item is null || !item.TryGetValue(TableLayout.ItemType, out var itemType) || itemType.S != EventItem.ItemType)
        {
            return false;
        }

        stored = new StoredEvent(
            item[EventItem.StreamType].S,
            item[EventItem.StreamId].S,
            long.Parse(item[EventItem.Version].N, CultureInfo.InvariantCulture),
            item[EventItem.EventType].S,
            DateTimeOffset.Parse(item[EventItem.RecordedAt].S, CultureInfo.InvariantCulture),
            item.GetValueOrDefault(EventItem.ContractType)?.S,
            item.GetValueOrDefault(EventItem.Contract)?.S);
        return true;
    }
}
