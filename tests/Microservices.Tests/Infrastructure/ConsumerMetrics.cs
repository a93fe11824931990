using System.Diagnostics.Metrics;

namespace Microservices.Tests.Infrastructure;

/// <summary>The consumer's counters, summed per instrument, for one consumer name only.</summary>
public sealed class ConsumerMetrics : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Dictionary<string, double> _sums = new(StringComparer.Ordinal);
    private readonly List<string> _reasons = [];

    public ConsumerMetrics(string consumer)
    {
        Consumer = consumer;
        _listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == StreamConsumerTelemetry.Name)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, t, _) => Add(i, v, t));
        _listener.SetMeasurementEventCallback<double>((i, v, t, _) => Add(i, v, t));
        _listener.Start();
    }

    public string Consumer { get; }

    public IReadOnlyList<string> Reasons { get { lock (_sums) { return [.. _reasons]; } } }

    public double Get(string instrument)
    {
        lock (_sums)
        {
            return _sums.GetValueOrDefault(instrument);
        }
    }

    public void Dispose() => _listener.Dispose();

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? consumer = null;
        string? reason = null;
        foreach (var tag in tags)
        {
            consumer = tag.Key == "consumer" ? (string?)tag.Value : consumer;
            reason = tag.Key == "reason" ? (string?)tag.Value : reason;
        }

        if (consumer != Consumer)
        {
            return;
        }

        lock (_sums)
        {
            _sums[instrument.Name] = _sums.GetValueOrDefault(instrument.Name) + value;
            if (reason is not null)
            {
                _reasons.Add(reason);
            }
        }
    }
}
