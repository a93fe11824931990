using Microservices.Shared.Dynamo;
using Microservices.Shared.Streams;
using Microservices.Shared.Telemetry;

namespace Catalog.Worker;

/// <summary>The Catalog worker on its own: publishes Catalog's events from the stream and keeps the genre copies.</summary>
internal static class WorkerProgram
{
    public static Task<int> Main(string[] args) => StreamWorkerCommands.RunAsync(args, builder =>
    {
        builder.AddTelemetry();
        builder.Services.AddDynamoDb();
        builder.Services.AddCatalogWorker(builder.Configuration);
    });
}
