using Microservices.Shared.Dynamo;
using Microservices.Shared.Telemetry;

namespace Catalog.Worker;

/// <summary>The Catalog worker on its own: consumes Catalog's integration events to keep the genre copies and book counts.</summary>
internal static class WorkerProgram
{
    public static async Task Main(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.AddTelemetry();
        builder.Services.AddDynamoDb();
        builder.Services.AddCatalogWorker(builder.Configuration);
        await builder.Build().RunAsync();
    }
}
