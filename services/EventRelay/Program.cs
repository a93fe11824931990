using MassTransit;
using Microservices.Messaging;
using Microservices.ServiceDefaults;
using Microservices.Streams;

namespace EventRelay;

/// <summary>The event relay: reads the table's stream and publishes every service's events to the broker.</summary>
public static class EventRelayProgram
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

        Configure(builder);
    });

    /// <summary>Everything the relay registers, for its own Main and for a process that hosts it (<c>ops host</c>).</summary>
    public static void Configure(IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddServiceDefaults();   // shared: telemetry, health, DynamoDB client
        builder.Services.AddMessaging(builder.Configuration);
        builder.Services.AddEventRelay();
    }
}
