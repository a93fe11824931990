using Orders.Api.Features;
using Orders.Domain;

namespace Orders.Api;

public static class OrdersModule
{
    public const int DefaultPort = 5103;

    public static WebApplicationBuilder AddOrders(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.WebHost.UseUrls(builder.Configuration["Urls"] ?? $"http://127.0.0.1:{DefaultPort}");
        builder.Services.AddSingleton(OrderEvents.Types);
        builder.Services.AddMediator(options =>
        {
            // Each service generates its own mediator, so the one-process host can load several side by side.
            options.Namespace = "Orders.Api.Mediator";
            options.Assemblies = [typeof(OrdersModule)];
        });
        return builder;
    }

    public static WebApplication MapOrders(this WebApplication app)
    {
        app.MapPlaceOrder();
        app.MapChangeOrderStatus();
        app.MapGetOrder();
        app.MapListClientOrders();
        app.MapListOrdersByStatus();
        return app;
    }
}
