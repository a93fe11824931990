using Microservices.ServiceDefaults;

namespace Clients.Api;

/// <summary>
/// The Clients service, buildable from its own Program and from the one-process host alike. A class rather than a
/// static class so that tests can name this assembly's entry point with it (<c>WebApplicationFactory&lt;ClientsApp&gt;</c>).
/// </summary>
public sealed class ClientsApp
{
    private ClientsApp()
    {
    }

    /// <param name="configure">What a process that hosts this service adds before the app is built (<c>ops host</c>).</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // Named explicitly: hosted by the one-process AppHost, the entry assembly would otherwise name the service.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(ClientsApp).Assembly.GetName().Name,
        });
        builder.AddApiDefaults();       // shared: telemetry, health, DynamoDB client, ProblemDetails, OpenAPI, event store
        builder.AddClients();           // this service: event types, mediator
        configure?.Invoke(builder);
        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapClients();               // one line per feature
        return app;
    }
}
