using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microservices.ServiceDefaults;
using Microsoft.Extensions.Configuration;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microservices.Tests.Telemetry;

/// <summary>
/// The shared registration on a real worker host: it starts with and without an OTLP endpoint, exports the stream
/// consumer's spans and metrics under the service's name, and sends to the endpoint when one is configured.
/// </summary>
public sealed class TelemetryRegistrationTests
{
    private const string ServiceName = "Telemetry.Tests.Worker";

    [Fact]
    public async Task Without_an_endpoint_a_host_starts_and_traces_the_stream_consumers_source_under_the_service_name()
    {
        var spans = new List<Activity>();
        using var host = await StartWorkerAsync([], services =>
            services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans)));
        var trace = ActivityTraceId.CreateRandom();

        using var source = new ActivitySource(TelemetryNames.StreamsActivitySource);
        source.StartActivity("record", ActivityKind.Consumer, ParentIn(trace))?.Stop();
        host.Services.GetRequiredService<TracerProvider>().ForceFlush();

        var span = Assert.Single(spans, s => s.TraceId == trace);
        Assert.Equal(TelemetryNames.StreamsActivitySource, span.Source.Name);
        var resource = host.Services.GetRequiredService<TracerProvider>().GetResource();
        Assert.Contains(resource.Attributes, a => a.Key == "service.name" && Equals(a.Value, ServiceName));
    }

    [Fact]
    public async Task Without_an_endpoint_a_host_exports_the_stream_consumers_meter()
    {
        var metrics = new List<Metric>();
        using var host = await StartWorkerAsync([], services =>
            services.ConfigureOpenTelemetryMeterProvider(meters => meters.AddInMemoryExporter(metrics)));
        var name = $"test.records.{Guid.NewGuid():N}";

        using var meter = new Meter(TelemetryNames.StreamsMeter);
        meter.CreateCounter<long>(name).Add(3);
        host.Services.GetRequiredService<MeterProvider>().ForceFlush();

        Assert.Contains(metrics, m => m.Name == name && m.MeterName == TelemetryNames.StreamsMeter);
    }

    [Fact]
    public async Task With_an_otlp_endpoint_a_host_starts_and_sends_traces_and_metrics_there()
    {
        await using var collector = await OtlpReceiver.StartAsync();
        using var host = await StartWorkerAsync(new()
        {
            [TelemetryExporters.OtlpEndpointKey] = collector.Endpoint.ToString(),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        });

        using var source = new ActivitySource(TelemetryNames.StreamsActivitySource);
        source.StartActivity("record", ActivityKind.Consumer, ParentIn(ActivityTraceId.CreateRandom()))?.Stop();
        Assert.True(host.Services.GetRequiredService<TracerProvider>().ForceFlush(10_000));
        Assert.True(host.Services.GetRequiredService<MeterProvider>().ForceFlush(10_000));

        Assert.Contains("/v1/traces", collector.Paths);
        Assert.Contains("/v1/metrics", collector.Paths);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Theory]
    [InlineData(null, null, false, false)]
    [InlineData("http://collector:4317", null, true, false)]
    [InlineData(" ", "true", false, true)]
    [InlineData("http://collector:4317", "false", true, false)]
    public void Exporters_follow_the_otlp_endpoint_and_the_console_setting(string? endpoint, string? console, bool otlp, bool toConsole)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [TelemetryExporters.OtlpEndpointKey] = endpoint,
            [TelemetryExporters.ConsoleKey] = console,
        }).Build();

        Assert.Equal(new TelemetryExporters(otlp, toConsole), TelemetryExporters.From(configuration));
    }

    /// <summary>A sampled remote parent in the given trace, so the test can pick its own span out of a shared process.</summary>
    private static ActivityContext ParentIn(ActivityTraceId trace) =>
        new(trace, ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);

    private static async Task<IHost> StartWorkerAsync(Dictionary<string, string?> settings, Action<IServiceCollection>? configure = null)
    {
        // No defaults: the machine's own OTEL_* variables must not decide what this test sees.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ApplicationName = ServiceName });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddTelemetry();
        configure?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        return host;
    }
}
