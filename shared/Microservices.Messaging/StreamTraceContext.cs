using System.Diagnostics;
using Amazon.DynamoDBv2.Model;
using Microservices.EventSourcing;
using Microservices.Streams.Lambda;

namespace Microservices.Messaging;

/// <summary>
/// The trace context an event item was appended under, read back from its stream record, so a consumer starts its
/// activities as children of the command that wrote the event.
/// </summary>
public static class StreamTraceContext
{
    /// <summary>The appending activity's context (remote), or default when the record carries none or a malformed one.</summary>
    public static ActivityContext ParentOf(DynamoDbStreamRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return ParentOf(record.Dynamodb.NewImage);
    }

    public static ActivityContext ParentOf(IReadOnlyDictionary<string, AttributeValue>? image)
    {
        if (image is null || !image.TryGetValue(EventItem.TraceParent, out var traceParent) || traceParent.S is null)
        {
            return default;
        }

        var traceState = image.TryGetValue(EventItem.TraceState, out var state) ? state.S : null;
        return ActivityContext.TryParse(traceParent.S, traceState, isRemote: true, out var context) ? context : default;
    }
}
