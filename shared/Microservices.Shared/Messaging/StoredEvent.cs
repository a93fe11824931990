using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Microservices.Shared.EventSourcing;
using Microservices.Shared.Lambda;
using Microservices.Shared.Schema;

namespace Microservices.Shared.Messaging;

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
    /// Reads the insert of an event item. Everything else on the stream (canonical items, the workers' copies, and
    /// any change to an item that is not an event) is not an event and gives false.
    /// </summary>
    public static bool TryRead(DynamoDbStreamRecord record, [NotNullWhen(true)] out StoredEvent? stored)
    {
        ArgumentNullException.ThrowIfNull(record);
        stored = null;
        var image = record.Dynamodb.NewImage;
        if (record.EventName != StreamEventName.Insert
            || image is null
            || !image.TryGetValue(Attributes.ItemType, out var itemType) || itemType.S != ItemTypes.Event)
        {
            return false;
        }

        stored = new StoredEvent(
            image[Attributes.StreamType].S,
            image[Attributes.StreamId].S,
            long.Parse(image[Attributes.Version].N, CultureInfo.InvariantCulture),
            image[Attributes.EventType].S,
            DateTimeOffset.Parse(image[Attributes.RecordedAt].S, CultureInfo.InvariantCulture),
            image.GetValueOrDefault(Attributes.ContractType)?.S,
            image.GetValueOrDefault(Attributes.Contract)?.S);
        return true;
    }
}
