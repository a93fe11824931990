using Microservices.Shared.Dynamo;
using Microservices.Shared.Streams;
using Microservices.Shared.Telemetry;

namespace Catalog.Worker;

/// <summary>The genre worker on its own: the DynamoDB client and the stream consumer that keeps the genre copies.</summary>
internal static class WorkerProgram
{
    public static Task<int> Main(string[] args) => StreamWorkerCommands.RunAsync(args, builder =>
    {
        builder.AddTelemetry();
        builder.Services.AddDynamoDb();
        builder.Services.AddGenreCopies();
    });
}
