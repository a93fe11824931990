using Orders.Api.Features;

namespace Orders.Api;

/// <summary>The Orders service: a client's orders, and orders by status.</summary>
public sealed class OrdersService : IServiceModule
{
    public static string Name => OrderItems.Service;

    public static int DefaultPort => 5103;

    public static void Add(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(OrderEvents.Types);
        builder.Services.AddCommandRunner(OrdersAggregates.Orders);
        builder.Services.AddOrderLayout();
        builder.Services.AddMediator(options =>
        {
            // Each service generates its own mediator, so the one-process host can load several side by side.
            options.Namespace = "Orders.Api.Mediator";
            options.Assemblies = [typeof(OrdersService)];
            options.PipelineBehaviors =
                [typeof(CommandTelemetryBehavior<,>), typeof(ValidationBehavior<,>), typeof(IdempotencyBehavior<,>)];
        });
    }

    /// <summary>
    /// An order is addressed under its client (/clients/{clientId}/orders/{orderId}/pay): before migration 3 that is
    /// where its item is; after it, the order's own partition, and the client in the path must be the order's.
    /// </summary>
    public static void Map(IEndpointRouteBuilder app)
    {
        var orders = app.MapResource("/clients/{clientId}/orders", "Orders");
        orders.MapPlaceOrder();
        orders.MapGetOrder();
        orders.MapListClientOrders();
        orders.MapChangeOrderStatus();

        app.MapResource("/orders", "Orders").MapListOrdersByStatus();
    }
}
