using Microservices.ServiceDefaults;

namespace Catalog.Api;

/// <summary>The Catalog service, buildable from its own Program and from the one-process host alike.</summary>
public static class CatalogApp
{
    /// <param name="configure">What a process that hosts this service adds before the app is built (<c>ops host</c>).</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // Named explicitly: hosted by the one-process AppHost, the entry assembly would otherwise name the service.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(CatalogApp).Assembly.GetName().Name,
        });
        builder.AddApiDefaults();       // shared: telemetry, health, DynamoDB client, ProblemDetails, OpenAPI, event store
        builder.AddCatalog();           // this service: event types, mediator
        configure?.Invoke(builder);
        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapCatalog();               // one line per feature
        return app;
    }
}
