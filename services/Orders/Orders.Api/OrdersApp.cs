using Microservices.ServiceDefaults;

namespace Orders.Api;

/// <summary>The Orders service, buildable from its own Program and from the one-process host alike.</summary>
public static class OrdersApp
{
    /// <param name="configure">What a process that hosts this service adds before the app is built (<c>ops host</c>).</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // Named explicitly: hosted by the one-process AppHost, the entry assembly would otherwise name the service.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(OrdersApp).Assembly.GetName().Name,
        });
        builder.AddApiDefaults();       // shared: telemetry, health, DynamoDB client, ProblemDetails, OpenAPI, event store
        builder.AddOrders();            // this service: event types, mediator
        configure?.Invoke(builder);
        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapOrders();                // one line per feature
        return app;
    }
}
