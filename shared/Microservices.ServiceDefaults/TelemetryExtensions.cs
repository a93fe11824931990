using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Microservices.ServiceDefaults;

public static class TelemetryExtensions
{
    /// <summary>
    /// OpenTelemetry traces and metrics under the application's name, for web services and worker hosts alike.
    /// The providers are registered even with no exporter configured: spans are then still created, so a command's
    /// trace context reaches the event items and the workers that do export can continue it.
    /// </summary>
    public static TBuilder AddTelemetry<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        var exporters = TelemetryExporters.From(builder.Configuration);
        // Logs go the way of the traces, with their scopes: the dashboard then shows each line under its trace.
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });
        builder.Services.AddOpenTelemetry()
            // A host that names the service (OTEL_SERVICE_NAME, as Aspire does for each resource) keeps its name and
            // instance id, so its telemetry lands on its resource; otherwise the application's name.
            .ConfigureResource(resource =>
            {
                if (string.IsNullOrWhiteSpace(builder.Configuration[TelemetryExporters.ServiceNameKey]))
                {
                    resource.AddService(builder.Environment.ApplicationName);
                }
            })
            .WithLogging(logging =>
            {
                if (exporters.Otlp)
                {
                    logging.AddOtlpExporter();
                }

                if (exporters.Console)
                {
                    logging.AddConsoleExporter();
                }
            })
            .WithTracing(tracing =>
            {
                // ASP.NET Core instrumentation stays idle in a worker host: nothing there raises its events.
                tracing.AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddSource([.. TelemetryNames.TracedSources]);
                if (exporters.Otlp)
                {
                    tracing.AddOtlpExporter();
                }

                if (exporters.Console)
                {
                    tracing.AddConsoleExporter();
                }
            })
            .WithMetrics(metrics =>
            {
                metrics.AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddMeter([.. TelemetryNames.Meters]);
                if (exporters.Otlp)
                {
                    metrics.AddOtlpExporter();
                }

                if (exporters.Console)
                {
                    metrics.AddConsoleExporter();
                }
            });
        return builder;
    }
}
