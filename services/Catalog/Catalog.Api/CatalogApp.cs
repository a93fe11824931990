using Microservices.Shared.Web;

namespace Catalog.Api;

/// <summary>The Catalog service, buildable from its own Program and from the one-process host alike.</summary>
public static class CatalogApp
{
    public static WebApplication Build(string[] args)
    {
        // Named explicitly: hosted by the one-process AppHost, the entry assembly would otherwise name the service.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(CatalogApp).Assembly.GetName().Name,
        });
        builder.AddServiceDefaults();   // shared: ProblemDetails, health, OpenAPI, DynamoDB client, event store
        builder.AddCatalog();           // this service: event types, mediator
        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapCatalog();               // one line per feature
        return app;
    }
}
