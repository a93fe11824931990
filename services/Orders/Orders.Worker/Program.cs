using Microservices.Shared.Dynamo;
using Microservices.Shared.Telemetry;

namespace Orders.Worker;

/// <summary>The Orders worker on its own: MassTransit consumers that keep the client copies and the aggregates.</summary>
internal static class WorkerProgram
{
    public static async Task Main(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.AddTelemetry();
        builder.Services.AddDynamoDb();
        builder.Services.AddOrdersWorker(builder.Configuration);
        await builder.Build().RunAsync();
    }
}
