using Microservices.ServiceDefaults;

namespace Catalog.Worker;

/// <summary>The Catalog worker on its own: consumes Catalog's integration events to keep the genre copies and book counts.</summary>
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
        builder.Services.AddCatalogWorker(builder.Configuration);
    }
}
