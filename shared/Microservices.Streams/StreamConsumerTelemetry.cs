using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Microservices.Streams;

/// <summary>
/// The stream consumers' metrics and traces. Iterator age is Lambda's IteratorAge: how old the last record handed
/// to the handler was when it was handed over, and zero while a shard has nothing left to read.
/// </summary>
public static class StreamConsumerTelemetry
{
    /// <summary>The name of the consumer's ActivitySource and Meter: listen to it to see its spans and metrics.</summary>
    public const string Name = "Microservices.Streams";

    public static readonly ActivitySource ActivitySource = new(Name);

    private static readonly Meter Meter = new(Name);

    private static readonly ConcurrentDictionary<(string Consumer, string Shard), double> IteratorAges = new();

    private static readonly Counter<long> Records = Meter.CreateCounter<long>("streams.records", "{record}", "Records handed to the handler.");

    private static readonly Counter<long> Batches = Meter.CreateCounter<long>("streams.batches", "{batch}", "Handler calls.");

    private static readonly Counter<long> Filtered = Meter.CreateCounter<long>("streams.records.filtered", "{record}", "Records checkpointed without a handler call because the filter did not want them.");

    private static readonly Counter<long> Retries = Meter.CreateCounter<long>("streams.retries", "{batch}", "Failed handler calls that will be tried again.");

    private static readonly Counter<long> DependencyWaits = Meter.CreateCounter<long>("streams.dependency_waits", "{batch}", "Handler calls that found a dependency down; the batch waits and is tried again without counting against its records.");

    private static readonly Counter<long> DeadLettered = Meter.CreateCounter<long>("streams.records.dead_lettered", "{record}", "Records sent to the dead letters.");

    private static readonly Counter<long> Trimmed = Meter.CreateCounter<long>("streams.trimmed", "{event}", "Times a shard's unread records had already been trimmed from the stream.");

    private static readonly Histogram<double> HandlerDuration = Meter.CreateHistogram<double>("streams.handler.duration", "ms", "How long each handler call took.");

    static StreamConsumerTelemetry() =>
        Meter.CreateObservableGauge(
            "streams.iterator_age",
            () => IteratorAges.Select(a => new Measurement<double>(a.Value, Tags(a.Key.Consumer, a.Key.Shard))),
            "ms",
            "Age of the last record handed to the handler, per shard; zero when the shard is caught up.");

    internal static void RecordsHandled(string consumer, string shard, int count, double handlerMilliseconds)
    {
        Records.Add(count, Tags(consumer, shard));
        Batches.Add(1, Tags(consumer, shard));
        HandlerDuration.Record(handlerMilliseconds, Tags(consumer, shard));
    }

    internal static void RecordsFiltered(string consumer, string shard, int count) => Filtered.Add(count, Tags(consumer, shard));

    internal static void Retry(string consumer, string shard) => Retries.Add(1, Tags(consumer, shard));

    internal static void DependencyWait(string consumer, string shard) => DependencyWaits.Add(1, Tags(consumer, shard));

    internal static void RecordsDeadLettered(string consumer, string shard, int count, string reason) =>
        DeadLettered.Add(count, [new("consumer", consumer), new("shard", shard), new("reason", reason)]);

    /// <summary>
    /// Puts the consumer's dead-letter count on the dashboards at zero from its start, rather than only from its first
    /// dead letter: an alarm or a panel then has a series to watch.
    /// </summary>
    internal static void ConsumerStarted(string consumer) => DeadLettered.Add(0, [new("consumer", consumer)]);

    internal static void TrimmedData(string consumer, string shard) => Trimmed.Add(1, Tags(consumer, shard));

    internal static void IteratorAge(string consumer, string shard, TimeSpan age) =>
        IteratorAges[(consumer, shard)] = Math.Max(0, age.TotalMilliseconds);

    internal static void ShardReleased(string consumer, string shard) => IteratorAges.TryRemove((consumer, shard), out _);

    private static TagList Tags(string consumer, string shard) => new() { { "consumer", consumer }, { "shard", shard } };
}
