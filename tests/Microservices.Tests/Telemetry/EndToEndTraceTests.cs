using System.Collections.Concurrent;
using System.Diagnostics;
using Microservices.ServiceDefaults;

namespace Microservices.Tests.Telemetry;

/// <summary>
/// One trace from the HTTP command to the copies: the API's request, the event item's stored trace context, the
/// stream consumer's publish, RabbitMQ, and the MassTransit consumer that rewrites the genre copies.
/// </summary>
public sealed class EndToEndTraceTests(DynamoDbLocalFixture dynamo, RabbitMqFixture rabbit)
{
    [Fact]
    public async Task A_commands_trace_continues_through_the_stream_and_the_broker_into_the_consumer_that_updates_the_copies()
    {
        var (trace, traceParent) = TracedCommands.NewTraceParent();
        var inTrace = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name.StartsWith(TelemetryNames.OwnPrefix, StringComparison.Ordinal)
                || source.Name == TelemetryNames.MassTransit
                || source.Name == "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.TraceId == trace)
                {
                    inTrace.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        var tables = await dynamo.CreateTablesAsync("e2e-trace");
        await using var api = new CatalogApi(tables);
        var catalog = new ApiClient(api.CreateClient());
        using var worker = await GenreWorker.StartAsync(tables, await rabbit.NewVirtualHostAsync("e2e-trace"));
        var (authorId, version) = await catalog.RegisterAuthorAsync("Selma Lagerlöf");
        await catalog.AddBookAsync(authorId, "Gösta Berlings saga", "novel", 9m);

        await TracedCommands.SendAsync(
            api.CreateClient(), HttpMethod.Put, $"/authors/{authorId}/name", new { name = "Selma Ottilia Lovisa Lagerlöf", expectedVersion = version }, traceParent);

        await Eventually.Until(
            () => Task.FromResult(inTrace.ToArray()),
            spans => spans.Any(s => s.Source.Name == TelemetryNames.MassTransit && s.Kind == ActivityKind.Consumer),
            TimeSpan.FromSeconds(30),
            "the genre-copy consumer's span in the command's trace");
        var spans = inTrace.ToArray();
        Assert.Contains(spans, s => s.Source.Name == EventStore.ActivitySourceName);
        Assert.Contains(spans, s => s.Source.Name == TelemetryNames.StreamsActivitySource && s.OperationName == "publish author.renamed.v1");
        Assert.Contains(spans, s => s.Source.Name == TelemetryNames.MassTransit && s.Kind == ActivityKind.Producer);
        await worker.StopAsync(TestContext.Current.CancellationToken);
    }
}
