using System.Diagnostics;
using System.Diagnostics.Metrics;
using Catalog.Api;
using Microservices.ServiceDefaults;

namespace Microservices.Tests.Telemetry;

/// <summary>The mediator's telemetry behaviour: every command is a span and a measurement, named and with its outcome.</summary>
public sealed class CommandTelemetryTests(DynamoDbLocalFixture dynamo) : ApiTest<CatalogService>(dynamo, "command-telemetry")
{
    [Fact]
    public async Task Each_command_is_a_span_and_a_duration_named_after_it_with_its_outcome()
    {
        var spans = new List<Activity>();
        var measured = new List<(string Command, string Outcome)>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == CommandTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => { lock (spans) { spans.Add(activity); } },
        };
        ActivitySource.AddActivityListener(listener);
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == CommandTelemetry.Name)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        meters.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            var all = tags.ToArray().ToDictionary(t => t.Key, t => t.Value?.ToString());
            lock (measured) { measured.Add((all[CommandTelemetry.CommandTag]!, all[CommandTelemetry.OutcomeTag]!)); }
        });
        meters.Start();

        var (authorId, version) = await Http.RegisterAuthorAsync("Traced Author");
        await Http.SendAsync(HttpMethod.Put, $"/authors/{authorId}/name", new { name = "Late", expectedVersion = version + 5 }, HttpStatusCode.Conflict);

        lock (spans)
        {
            Assert.Contains(spans, s => s.DisplayName == "command RegisterAuthor" && (string?)s.GetTagItem(CommandTelemetry.OutcomeTag) == "ok");
            Assert.Contains(spans, s => s.DisplayName == "command RenameAuthor" && s.Status == ActivityStatusCode.Error
                && (string?)s.GetTagItem(CommandTelemetry.OutcomeTag) == "VersionConflictException");
        }

        lock (measured)
        {
            Assert.Contains(("RegisterAuthor", "ok"), measured);
            Assert.Contains(("RenameAuthor", "VersionConflictException"), measured);
        }
    }
}
