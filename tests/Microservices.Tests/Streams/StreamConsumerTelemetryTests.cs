using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microservices.ServiceDefaults;
using Microservices.Streams.Lambda;

namespace Microservices.Tests.Streams;

/// <summary>The consumer's traces continue the trace stored on the item, and its metrics report records, retries and lag.</summary>
public sealed class StreamConsumerTelemetryTests(DynamoDbLocalFixture dynamo)
{
    [Fact]
    public async Task The_handler_runs_inside_the_trace_of_the_command_that_wrote_the_record()
    {
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == StreamConsumerTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        var tables = await dynamo.CreateTablesAsync("traced");
        var command = ActivityContext.Parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", null);
        using (var client = DynamoDbLocalFixture.CreateClient(tables))
        {
            await client.PutItemAsync(tables.TableName, new Dictionary<string, AttributeValue>
            {
                [Attributes.PK] = new("traced"),
                [Attributes.SK] = new("ITEM"),
                [Attributes.TraceParent] = new("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
            }, TestContext.Current.CancellationToken);
        }

        var handler = new TraceCapturingHandler();
        await using var host = await ConsumerHost.StartAsync(tables, handler, "traced-consumer");

        var seen = await Eventually.Until(() => Task.FromResult(handler.Seen), s => s is not null, what: "the handler to run");
        Assert.Equal(command.TraceId, seen!.Value.TraceId);
        Assert.Equal(command.SpanId, seen.Value.ParentSpanId);
    }

    [Fact]
    public async Task Records_batches_retries_and_iterator_age_are_measured_per_shard()
    {
        var tables = await dynamo.CreateTablesAsync("metered");
        var consumer = "metered-" + Guid.NewGuid().ToString("N")[..6];
        var measured = new Dictionary<string, double>(StringComparer.Ordinal);
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == StreamConsumerTelemetry.Name)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "consumer" && (string?)tag.Value == consumer)
                {
                    lock (measured)
                    {
                        measured[instrument.Name] = measured.GetValueOrDefault(instrument.Name) + value;
                    }
                }
            }
        }

        listener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        listener.Start();

        using (var client = DynamoDbLocalFixture.CreateClient(tables))
        {
            for (var i = 0; i < 4; i++)
            {
                await client.PutItemAsync(tables.TableName, new Dictionary<string, AttributeValue>
                {
                    [Attributes.PK] = new($"item-{i}"),
                    [Attributes.SK] = new("ITEM"),
                }, TestContext.Current.CancellationToken);
            }
        }

        var handler = new RecordingHandler { FailOnceAt = "item-2" };
        await using var host = await ConsumerHost.StartAsync(tables, handler, consumer);
        await Eventually.Until(() => Task.FromResult(handler.Handled.Count), n => n == 4, what: "four records");
        listener.RecordObservableInstruments();

        lock (measured)
        {
            Assert.Equal(4, measured["streams.records"]);
            Assert.Equal(1, measured["streams.retries"]);
            Assert.True(measured["streams.batches"] >= 2);
            Assert.True(measured.ContainsKey("streams.iterator_age"));
        }
    }

    [Fact]
    public async Task A_dependency_that_is_down_is_counted_as_a_dependency_wait_and_never_as_a_retry()
    {
        var tables = await dynamo.CreateTablesAsync("dependency-wait");
        await PutAsync(tables, 3);
        using var metrics = new ConsumerMetrics("waits-" + Guid.NewGuid().ToString("N")[..6]);
        var handler = new DownThenUpHandler(failures: 2);
        await using var host = await ConsumerHost.StartAsync(tables, handler, metrics.Consumer);

        await Eventually.Until(() => Task.FromResult(metrics.Get("streams.records")), n => n == 3, what: "three records after the outage");
        Assert.Equal(2, metrics.Get("streams.dependency_waits"));
        Assert.Equal(0, metrics.Get("streams.retries"));
        Assert.Equal(0, metrics.Get("streams.records.dead_lettered"));
    }

    [Fact]
    public async Task Dead_lettered_and_filtered_records_are_counted_and_each_dead_letter_carries_its_reason()
    {
        var tables = await dynamo.CreateTablesAsync("dead-letter-metric");
        await PutAsync(tables, 3);
        using var metrics = new ConsumerMetrics("dead-" + Guid.NewGuid().ToString("N")[..6]);
        var handler = new RecordingHandler { Poison = { "item-1" } };
        await using var host = await ConsumerHost.StartAsync(tables, handler, metrics.Consumer, o =>
        {
            o.MaxRetryAttempts = 1;
            o.Filter = r => RecordingHandler.Pk(r) != "item-2";
        });

        await Eventually.Until(() => Task.FromResult(metrics.Get("streams.records.dead_lettered")), n => n == 1, what: "the poison record's dead letter");
        await Eventually.Until(() => Task.FromResult(metrics.Get("streams.records.filtered")), n => n == 1, what: "the filtered record");
        Assert.Equal([DeadLetterReasons.RetriesExhausted], metrics.Reasons);
        Assert.Equal(2, metrics.Get("streams.retries"));
    }

    private static async Task PutAsync(Microservices.SingleTable.DynamoDbOptions tables, int count)
    {
        using var client = DynamoDbLocalFixture.CreateClient(tables);
        for (var i = 0; i < count; i++)
        {
            await client.PutItemAsync(tables.TableName, new Dictionary<string, AttributeValue>
            {
                [Attributes.PK] = new($"item-{i}"),
                [Attributes.SK] = new("ITEM"),
            }, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Finds its dependency down for the first calls, then takes everything.</summary>
    private sealed class DownThenUpHandler(int failures) : IDynamoDbStreamHandler
    {
        private int _calls;

        public Task<StreamsEventResponse> HandleAsync(DynamoDbEvent streamEvent, CancellationToken cancellationToken) =>
            Interlocked.Increment(ref _calls) <= failures
                ? throw new DependencyUnavailableException("The broker is down (injected by the test).")
                : Task.FromResult(StreamsEventResponse.Success);
    }

    private sealed class TraceCapturingHandler : IDynamoDbStreamHandler
    {
        public (ActivityTraceId TraceId, ActivitySpanId ParentSpanId)? Seen { get; private set; }

        public Task<StreamsEventResponse> HandleAsync(DynamoDbEvent streamEvent, CancellationToken cancellationToken)
        {
            if (Activity.Current is { } current)
            {
                Seen = (current.TraceId, current.ParentSpanId);
            }

            return Task.FromResult(StreamsEventResponse.Success);
        }
    }
}
