using System.Diagnostics.CodeAnalysis;
using Microservices.EventSourcing;
using Microservices.SingleTable;
using Microservices.Streams.Lambda;

namespace Microservices.Messaging;

public static class StoredEventRecords
{
    /// <summary>
    /// Reads the insert of an event item. Everything else on the stream (canonical items, the workers' copies, and
    /// any change to an item that is not an event) is not an event and gives false.
    /// </summary>
    public static bool TryReadEvent(this DynamoDbStreamRecord record, [NotNullWhen(true)] out StoredEvent? stored)
    {
        ArgumentNullException.ThrowIfNull(record);
        stored = null;
        return record.EventName == StreamEventName.Insert && StoredEvent.TryRead(record.Dynamodb.NewImage, out stored);
    }

    /// <summary>
    /// The record's partition key: for an event item its event stream. As a stream consumer's ordering key it keeps
    /// every event of one stream in order however many batches of a shard are in the handler.
    /// </summary>
    public static string PartitionKey(DynamoDbStreamRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.Dynamodb.Keys?.GetValueOrDefault(TableLayout.PK)?.S ?? "";
    }
}
