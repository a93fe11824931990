using Microservices.Messaging;
using Microservices.ServiceDefaults;
using Microservices.Shared.Streams;

namespace EventRelay;

/// <summary>The event relay: reads the table's stream and publishes every service's events to the broker.</summary>
public static class EventRelayProgram
{
    public static Task<int> Main(string[] args) => StreamWorkerCommands.RunAsync(args, Configure);

    /// <summary>Everything the relay registers, for its own Main and for a process that hosts it (<c>ops host</c>).</summary>
    public static void Configure(IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddServiceDefaults();   // shared: telemetry, health, DynamoDB client
        builder.Services.AddMessaging(builder.Configuration);
        builder.Services.AddEventRelay();
    }
}
