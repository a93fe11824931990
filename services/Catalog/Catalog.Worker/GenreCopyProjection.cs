using Catalog.Domain;
using Microservices.Shared.Lambda;
using Microservices.Shared.Schema;
using Microservices.Shared.Streams;

namespace Catalog.Worker;

/// <summary>
/// Keeps every book's copy in its genre's partition. It reacts to event items only: canonical items and its own
/// copies come back on the stream too, and are skipped without any read or write. Every change re-reads the
/// current book and author, so the order and number of deliveries cannot matter.
/// </summary>
public sealed class GenreCopyProjection(GenreCopyWriter writer, ILogger<GenreCopyProjection> logger) : IDynamoDbStreamHandler
{
    public async Task<StreamsEventResponse> HandleAsync(DynamoDbEvent streamEvent, CancellationToken cancellationToken)
    {
        foreach (var record in streamEvent.Records)
        {
            if (!IsCatalogEvent(record, out var eventType, out var data))
            {
                continue;
            }

            try
            {
                await ApplyAsync(CatalogEvents.Types.Deserialize(eventType, data), cancellationToken);
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning(exception, "Event {EventType} at {SequenceNumber} failed", eventType, record.Dynamodb.SequenceNumber);
                // Lambda re-reads from the lowest failed record; everything after it is delivered again anyway.
                return StreamsEventResponse.FailedFrom(record);
            }
        }

        return StreamsEventResponse.Success;
    }

    private Task ApplyAsync(object @event, CancellationToken cancellationToken) => @event switch
    {
        BookAdded added => writer.RefreshBookAsync(added.AuthorId, added.Title, cancellationToken),
        AuthorRenamed renamed => writer.RefreshAuthorAsync(renamed.AuthorId, cancellationToken),
        _ => Task.CompletedTask,
    };

    private static bool IsCatalogEvent(DynamoDbStreamRecord record, out string eventType, out string data)
    {
        eventType = data = "";
        var image = record.Dynamodb.NewImage;
        if (record.EventName != StreamEventName.Insert
            || image is null
            || !image.TryGetValue(Attributes.ItemType, out var itemType) || itemType.S != ItemTypes.Event
            || !image.TryGetValue(Attributes.EventType, out var type) || !CatalogEvents.Types.Knows(type.S)
            || !image.TryGetValue(Attributes.Data, out var payload))
        {
            return false;
        }

        eventType = type.S;
        data = payload.S;
        return true;
    }
}
