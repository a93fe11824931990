using Microsoft.Extensions.Configuration;

namespace Microservices.ServiceDefaults;

/// <summary>Which exporters a process sends its traces and metrics to, read from configuration.</summary>
public sealed record TelemetryExporters(bool Otlp, bool Console)
{
    /// <summary>The standard OpenTelemetry variable; the OTLP exporter reads it (and its siblings) itself.</summary>
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The standard OpenTelemetry variable that names the service; the resource detector reads it itself.</summary>
    public const string ServiceNameKey = "OTEL_SERVICE_NAME";

    public const string ConsoleKey = "Telemetry:Console";

    public static TelemetryExporters From(IConfiguration configuration) => new(
        Otlp: !string.IsNullOrWhiteSpace(configuration[OtlpEndpointKey]),
        Console: configuration.GetValue(ConsoleKey, defaultValue: false));
}
