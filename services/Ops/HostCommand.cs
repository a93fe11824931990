using System.CommandLine;
using Catalog.Api;
using Clients.Api;
using EventRelay;
using Microservices.Faults;
using Microservices.ServiceDefaults;
using Microservices.Streams;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Orders.Api;

namespace Ops;

/// <summary>
/// <c>ops host &lt;service&gt;</c>: runs one of the system's services in this process, built by the service's own
/// builder (the one its Program uses) plus the faults the "Faults" section asks for. The services themselves never
/// wire faults; the soak runs each of them this way. Settings come from the environment and from --Key=value.
/// </summary>
public static class HostCommand
{
    public static readonly IReadOnlyList<string> Services =
        ["catalog-api", "clients-api", "orders-api", "event-relay", "catalog-worker", "orders-worker"];

    public static Command Create()
    {
        var service = new Argument<string>("service") { Description = "The service to run." };
        service.AcceptOnlyFromAmong([.. Services]);
        var command = new Command("host", "Run a service with the faults its configuration asks for (Faults:DynamoDbRate=..., as the soak does).")
        {
            service,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((parse, cancellationToken) =>
            RunAsync(parse.GetRequiredValue(service), [.. parse.UnmatchedTokens], cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(string service, string[] args, CancellationToken cancellationToken)
    {
        switch (service)
        {
            case "catalog-api":
                await ServiceApp.Build<CatalogService>(args, WithFaults).RunAsync(cancellationToken);
                return 0;
            case "clients-api":
                await ServiceApp.Build<ClientsService>(args, WithFaults).RunAsync(cancellationToken);
                return 0;
            case "orders-api":
                await ServiceApp.Build<OrdersService>(args, WithFaults).RunAsync(cancellationToken);
                return 0;
            case "event-relay":
                return await StreamWorkerCommands.RunAsync(
                    [.. args, $"--applicationName={typeof(EventRelayProgram).Assembly.GetName().Name}"],
                    (builder, _) => WithFaults(builder, EventRelayProgram.Configure));
            case "catalog-worker":
                return await RunWorkerAsync(args, Catalog.Worker.WorkerProgram.Configure, typeof(Catalog.Worker.WorkerProgram), cancellationToken);
            case "orders-worker":
                return await RunWorkerAsync(args, Orders.Worker.WorkerProgram.Configure, typeof(Orders.Worker.WorkerProgram), cancellationToken);
            default:
                await Console.Error.WriteLineAsync($"No service {service}: one of {string.Join(", ", Services)}.");
                return 2;
        }
    }

    private static async Task<int> RunWorkerAsync(
        string[] args, Action<IHostApplicationBuilder> configure, Type program, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            // The service's name, not this tool's, in its telemetry.
            ApplicationName = program.Assembly.GetName().Name,
        });
        WithFaults(builder, configure);
        await builder.Build().RunAsync(cancellationToken);
        return 0;
    }

    private static void WithFaults(WebApplicationBuilder builder) => builder.Services.AddFaults(builder.Configuration);

    private static void WithFaults(IHostApplicationBuilder builder, Action<IHostApplicationBuilder> configure)
    {
        configure(builder);
        builder.Services.AddFaults(builder.Configuration);
    }
}
