using System.Diagnostics;
using System.Diagnostics.Metrics;
using Amazon.DynamoDBv2.Model;
using Microservices.Streams.Lambda;
using Microservices.Shared.Schema;
using Microservices.Streams;
using Microservices.Shared.Telemetry;
using Microservices.Tests.Infrastructure;

namespace Microservices.Tests.Streams;

/// <summary>The consumer's traces continue the trace stored on the item, and its metrics report records, retries and lag.</summary>
public sealed class StreamConsumerTelemetryTests(DynamoDbLocalFixture dynamo)
{
    [Fact]
    public async Task The_handler_runs_inside_the_trace_of_the_command_that_wrote_the_record()
    {
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == TelemetryNames.StreamsActivitySource,
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
                if (instrument.Meter.Name == TelemetryNames.StreamsMeter)
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
