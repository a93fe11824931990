using Clients.Api.Features;
using Clients.Domain;

namespace Clients.Api;

public static class ClientsModule
{
    public const int DefaultPort = 5102;

    /// <summary>The service's name in keys it shares with other services, e.g. its idempotency items.</summary>
    public const string ServiceName = "clients";

    public static WebApplicationBuilder AddClients(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.WebHost.UseUrls(builder.Configuration["Urls"] ?? $"http://127.0.0.1:{DefaultPort}");
        builder.Services.AddSingleton(ClientsEvents.Types);
        builder.Services.AddSingleton<ClientCommands>();
        builder.Services.AddMediator(options =>
        {
            // Each service generates its own mediator, so the one-process host can load several side by side.
            options.Namespace = "Clients.Api.Mediator";
            options.Assemblies = [typeof(ClientsModule)];
        });
        return builder;
    }

    public static WebApplication MapClients(this WebApplication app)
    {
        app.MapRegisterClient();
        app.MapChangeClientDetails();
        app.MapSetPhone();
        app.MapRemovePhone();
        app.MapAddAddress();
        app.MapRemoveAddress();
        app.MapGetClient();
        app.MapFindClientsByName();
        app.MapFilterPhones();
        return app;
    }
}
