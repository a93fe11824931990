using Orders.Api;

namespace Microservices.Tests.Orders;

/// <summary>A test class against the Orders service, with the Clients service on the same tables for its clients.</summary>
public abstract class OrdersTest(DynamoDbLocalFixture dynamo, string tables) : ApiTest<OrdersService>(dynamo, tables)
{
    protected ClientSource Clients { get; private set; } = null!;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Clients = new ClientSource(Tables);
    }

    public override async ValueTask DisposeAsync()
    {
        await Clients.DisposeAsync();
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
