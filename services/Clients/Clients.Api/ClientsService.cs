using Clients.Api.Features;
using Microservices.Schema.Migrations;

namespace Clients.Api;

/// <summary>The Clients service: clients, their phone numbers and their addresses.</summary>
public sealed class ClientsService : IServiceModule
{
    public static string Name => "clients";

    public static int DefaultPort => 5102;

    public static void Add(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(ClientsEvents.Types);
        builder.Services.AddCommandRunner(ClientsAggregates.Clients);
        builder.Services.AddTableMigrations();
        builder.Services.AddMediator(options =>
        {
            // Each service generates its own mediator, so the one-process host can load several side by side.
            options.Namespace = "Clients.Api.Mediator";
            options.Assemblies = [typeof(ClientsService)];
            options.PipelineBehaviors =
                [typeof(CommandTelemetryBehavior<,>), typeof(ValidationBehavior<,>), typeof(IdempotencyBehavior<,>)];
        });
    }

    public static void Map(IEndpointRouteBuilder app)
    {
        var clients = app.MapResource("/clients", "Clients");
        clients.MapRegisterClient();
        clients.MapGetClient();
        clients.MapFindClientsByName();
        clients.MapFindClientsByEmail();
        clients.MapChangeClientDetails();

        var phones = app.MapResource("/clients/{clientId}/phones", "Phones");
        phones.MapSetPhone();
        phones.MapRemovePhone();
        phones.MapFilterPhones();

        var addresses = app.MapResource("/clients/{clientId}/addresses", "Addresses");
        addresses.MapAddAddress();
        addresses.MapRemoveAddress();
    }
}
