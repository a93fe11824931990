using Microservices.ServiceDefaults;

namespace Orders.Worker;

/// <summary>The Orders worker on its own: MassTransit consumers that keep the client copies and the aggregates.</summary>
public static class WorkerProgram
{
    public static async Task Main(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        Configure(builder);
        await builder.Build().RunAsync();
    }

    /// <summary>Everything this worker registers, for its own Main and for a process that hosts it (<c>ops host</c>).</summary>
    public static void Configure(IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddServiceDefaults();   // shared: telemetry, health, DynamoDB client
        builder.Services.AddOrdersWorker(builder.Configuration);
    }
}
