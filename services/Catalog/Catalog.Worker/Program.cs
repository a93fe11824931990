using Microservices.Shared.Dynamo;

namespace Catalog.Worker;

/// <summary>The Catalog worker on its own: publishes Catalog's events from the stream and keeps the genre copies.</summary>
internal static class WorkerProgram
{
    public static async Task Main(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.Services.AddDynamoDb();
        builder.Services.AddCatalogWorker(builder.Configuration);
        await builder.Build().RunAsync();
    }
}
