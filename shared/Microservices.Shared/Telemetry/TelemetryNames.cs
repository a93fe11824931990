namespace Microservices.Shared.Telemetry;

/// <summary>
/// The names our own code creates its ActivitySources and Meters under. Every name starts with
/// <see cref="OwnPrefix"/>, so the registration picks up a new one without being edited.
/// </summary>
public static class TelemetryNames
{
    public const string OwnPrefix = "Microservices.";

    /// <summary>Spans of the stream consumer: per batch and per record, children of the command that wrote the event.</summary>
    public const string StreamsActivitySource = "Microservices.Streams";

    /// <summary>Counters and histograms of the stream consumer.</summary>
    public const string StreamsMeter = "Microservices.Streams";

    /// <summary>Counters of the integration event publisher.</summary>
    public const string MessagingMeter = "Microservices.Messaging";

    /// <summary>The span around one append, whose context every appended event item carries.</summary>
    public const string EventStoreActivitySource = "Microservices.EventStore";

    /// <summary>MassTransit's own ActivitySource and Meter name.</summary>
    public const string MassTransit = "MassTransit";

    /// <summary>Sources traced besides the ASP.NET Core and HttpClient instrumentation.</summary>
    public static IReadOnlyList<string> TracedSources { get; } = [OwnPrefix + "*", MassTransit];

    /// <summary>Meters exported besides the ASP.NET Core, HttpClient and runtime instrumentation.</summary>
    public static IReadOnlyList<string> Meters { get; } = [OwnPrefix + "*", MassTransit];
}
