using MassTransit;
using Microservices.Shared.Dynamo;
using Microservices.Shared.Messaging;
using Microservices.Shared.Telemetry;
using Microservices.Streams;

namespace EventRelay;

/// <summary>The event relay: reads the table's stream and publishes every service's events to the broker.</summary>
internal static class EventRelayProgram
{
    public static Task<int> Main(string[] args) => StreamWorkerCommands.RunAsync(args, (builder, command) =>
    {
        if (command == StreamWorkerCommand.Handle)
        {
            // handle tries the handler on a file: no broker, no DynamoDB. The in-memory bus confirms every publish,
            // and each published contract is printed to standard error, so the file shows what the relay would publish.
            builder.Configuration.AddInMemoryCollection([new("Messaging:Transport", "InMemory")]);
            builder.Services.AddPublishObserver<PrintPublished>();
        }

        builder.AddTelemetry();
        builder.Services.AddDynamoDb();
        builder.Services.AddMessaging(builder.Configuration);
        builder.Services.AddEventRelay();
    });
}
