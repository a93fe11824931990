using System.Diagnostics;
using Amazon.DynamoDBv2.Model;
using Microservices.Shared.Schema;

namespace Microservices.Shared.Telemetry;

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

        item[Attributes.TraceParent] = new AttributeValue(traceParent);
        if (!string.IsNullOrEmpty(activity.TraceStateString))
        {
            item[Attributes.TraceState] = new AttributeValue(activity.TraceStateString);
        }
    }
}
