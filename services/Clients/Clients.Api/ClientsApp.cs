using Microservices.Shared.Web;

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

    public static WebApplication Build(string[] args)
    {
        // Named explicitly: hosted by the one-process AppHost, the entry assembly would otherwise name the service.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(ClientsApp).Assembly.GetName().Name,
        });
        builder.AddServiceDefaults();   // shared: ProblemDetails, health, OpenAPI, DynamoDB client, event store
        builder.AddClients();           // this service: event types, mediator
        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapClients();               // one line per feature
        return app;
    }
}
