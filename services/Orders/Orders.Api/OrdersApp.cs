using Microservices.Shared.Web;

namespace Orders.Api;

/// <summary>The Orders service, buildable from its own Program and from the one-process host alike.</summary>
public static class OrdersApp
{
    public static WebApplication Build(string[] args)
    {
        // Named explicitly: hosted by the one-process AppHost, the entry assembly would otherwise name the service.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(OrdersApp).Assembly.GetName().Name,
        });
        builder.AddServiceDefaults();   // shared: ProblemDetails, health, OpenAPI, DynamoDB client, event store
        builder.AddOrders();            // this service: event types, mediator
        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapOrders();                // one line per feature
        return app;
    }
}
