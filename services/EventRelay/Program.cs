using Microservices.Shared.Dynamo;
using Microservices.Shared.Messaging;
using Microservices.Shared.Streams;
using Microservices.Shared.Telemetry;

namespace EventRelay;

/// <summary>The event relay: reads the table's stream and publishes every service's events to the broker.</summary>
internal static class EventRelayProgram
{
    public static Task<int> Main(string[] args) => StreamWorkerCommands.RunAsync(args, builder =>
    {
        builder.AddTelemetry();
        builder.Services.AddDynamoDb();
        builder.Services.AddMessaging(builder.Configuration);
        builder.Services.AddEventRelay();
    });
}
