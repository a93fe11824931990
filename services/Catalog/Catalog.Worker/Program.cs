using Microservices.Shared.Dynamo;
using Microservices.Shared.Telemetry;

namespace Catalog.Worker;

/// <summary>The genre worker on its own: the DynamoDB client and the stream consumer that keeps the genre copies.</summary>
internal static class WorkerProgram
{
    public static async Task Main(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.AddTelemetry();
        builder.Services.AddDynamoDb();
        builder.Services.AddGenreCopies();
        await builder.Build().RunAsync();
    }
}
