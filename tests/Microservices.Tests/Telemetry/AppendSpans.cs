using System.Collections.Concurrent;
using System.Diagnostics;

namespace Microservices.Tests.Telemetry;

/// <summary>
/// Records the event store's append spans of one trace. Listeners are process-wide and test classes run in parallel,
/// so only spans of the given trace are kept.
/// </summary>
public sealed class AppendSpans : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Activity> _stopped = new();

    public AppendSpans(ActivityTraceId trace)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == EventStore.ActivitySourceName,
            Sample = (ref options) => options.Parent.TraceId == trace
                ? ActivitySamplingResult.AllDataAndRecorded
                : ActivitySamplingResult.None,
            ActivityStopped = activity =>
            {
                if (activity.TraceId == trace)
                {
                    _stopped.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public IReadOnlyList<Activity> Stopped => [.. _stopped];

    public void Dispose() => _listener.Dispose();
}
