using System.Diagnostics;
using Amazon.DynamoDBv2.Model;

namespace Microservices.EventSourcing;

/// <summary>Writes an activity's W3C trace context onto an event item, in the form <see cref="StreamTraceContext"/> reads.</summary>
public static class EventTraceContext
{
    public static void Stamp(IDictionary<string, AttributeValue> item, Activity? activity)
    {
        // A hierarchical id is not a traceparent; no context is better than one no consumer can parse.
        if (activity is not { IdFormat: ActivityIdFormat.W3C, Id: { } traceParent })
        {
            return;
        }

        item[EventItem.TraceParent] = new AttributeValue(traceParent);
        if (!string.IsNullOrEmpty(activity.TraceStateString))
        {
            item[EventItem.TraceState] = new AttributeValue(activity.TraceStateString);
        }
    }
}
