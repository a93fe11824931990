using System.Diagnostics.Metrics;
using Microservices.Streams;

namespace Microservices.Benchmarks.Suite;

/// <summary>
/// Every stream record the consumers of this process have taken in (handed to a handler or filtered out), from
/// their metrics. While the relay is behind it reads without a pause, so a count that stands still means it has
/// caught up with the stream.
/// </summary>
public sealed class StreamActivity : IDisposable
{
    private static readonly HashSet<string> Counted = new(StringComparer.Ordinal) { "streams.records", "streams.records.filtered" };

    private readonly MeterListener _listener = new();
    private long _records;

    public StreamActivity()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == StreamConsumerTelemetry.Name && Counted.Contains(instrument.Name))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _records, value));
        _listener.Start();
    }

    public long Records => Interlocked.Read(ref _records);

    public void Dispose() => _listener.Dispose();
}
