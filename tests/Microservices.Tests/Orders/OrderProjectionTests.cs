using Amazon.DynamoDBv2.Model;
using MassTransit;
using Microservices.EventSourcing;
using Microservices.Schema;
using Microservices.SingleTable;
using Microservices.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static Microservices.Tests.Orders.OrderCalls;

namespace Microservices.Tests.Orders;

/// <summary>
/// The Orders worker over RabbitMQ, fed by a test-host publisher of Orders' events from the table's stream and by
/// client changes published on the bus: the client copies follow the client, also when a change races a new order,
/// and the aggregates converge.
/// </summary>
public sealed class OrderProjectionTests(DynamoDbLocalFixture dynamo, RabbitMqFixture rabbit) : IAsyncLifetime
{
    private static readonly string AuthorId = Ids.New();

    private OrdersApi _api = null!;
    private ApiClient _orders = null!;
    private IHost _worker = null!;
    private string _duneId = null!;
    private string _messiahId = null!;

    private IBus Bus => _worker.Services.GetRequiredService<IBus>();

    public async ValueTask InitializeAsync()
    {
        var tables = await dynamo.CreateTablesAsync("order-projections");
        _api = new OrdersApi(tables);
        _orders = new ApiClient(_api.CreateClient());
        _worker = await OrdersWorker.StartAsync(tables, await rabbit.NewVirtualHostAsync("order-projections"), $"orders-relay-{Guid.NewGuid():N}");
        _duneId = (await OrderSources.WriteBookAsync(tables, AuthorId, "Dune", 10.00m)).BookId;
        _messiahId = (await OrderSources.WriteBookAsync(tables, AuthorId, "Dune Messiah", 5.50m)).BookId;
    }

    public async ValueTask DisposeAsync()
    {
        await _worker.StopAsync();
        _worker.Dispose();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task A_client_change_rewrites_the_name_and_email_on_every_order_of_the_client()
    {
        var clientId = await OrderSources.WriteClientAsync(_api.Tables, "Malin Persson", "malin@example.se");
        var (first, _, _) = await _orders.PlaceAsync(clientId, Line(AuthorId, title: "Dune"));
        var (second, _, _) = await _orders.PlaceAsync(clientId, Line(AuthorId, title: "Dune Messiah"));

        await OrderSources.WriteClientAsync(_api.Tables, "Malin Lindqvist", "malin@lindqvist.se", version: 2, clientId: clientId);
        await Bus.Publish(ClientEvents.Changed(clientId, 2, "Malin Lindqvist", "malin@lindqvist.se"), TestContext.Current.CancellationToken);

        foreach (var orderId in new[] { first, second })
        {
            var order = await Eventually.Until(
                () => OrderItemAsync(clientId, orderId),
                o => o[Attributes.ClientVersion].N == "2",
                what: $"order {orderId} to copy client version 2");
            Assert.Equal(("Malin Lindqvist", "malin@lindqvist.se"), (order[Attributes.ClientName].S, order[Attributes.ClientEmail].S));
        }
    }

    [Fact]
    public async Task An_order_placed_while_its_client_is_renamed_ends_with_the_new_name()
    {
        var clientId = await OrderSources.WriteClientAsync(_api.Tables, "Frank Herbert", "frank@example.com");
        var fannedOut = false;
        // Between the API's read of the client and its transaction: the client is renamed, and the rename is fanned
        // out to the client's orders, of which the new one is not yet one.
        _api.Requests.Before(r => r is TransactWriteItemsRequest, async () =>
        {
            await OrderSources.WriteClientAsync(_api.Tables, "Franklin Herbert", "franklin@example.com", version: 2, clientId: clientId);
            var consumed = ClientEvents.ConsumedAsync(Bus, clientId, 2);
            await Bus.Publish(ClientEvents.Changed(clientId, 2, "Franklin Herbert", "franklin@example.com"));
            await consumed.WaitAsync(TimeSpan.FromSeconds(30));
            fannedOut = true;
        });

        var (orderId, _, _) = await _orders.PlaceAsync(clientId, Line(AuthorId, title: "Dune"));

        Assert.True(fannedOut, "the rename was fanned out before the order was written");
        var order = await Eventually.Until(
            () => OrderItemAsync(clientId, orderId),
            o => o[Attributes.ClientVersion].N == "2",
            what: "the order's client copy to reach version 2");
        Assert.Equal(("Franklin Herbert", "franklin@example.com"), (order[Attributes.ClientName].S, order[Attributes.ClientEmail].S));
    }

    [Fact]
    public async Task A_clients_order_count_and_total_spent_converge_and_leave_out_cancelled_orders()
    {
        var clientId = await OrderSources.WriteClientAsync(_api.Tables, "Astrid Lindgren", "astrid@example.se");
        await _orders.PlaceAsync(clientId, Line(AuthorId, title: "Dune", quantity: 2));                       // 20.00
        var (paid, _, _) = await _orders.PlaceAsync(clientId, Line(AuthorId, title: "Dune Messiah", quantity: 3)); // 16.50
        var (cancelled, _, _) = await _orders.PlaceAsync(clientId, Line(AuthorId, title: "Dune"));            // 10.00, cancelled
        await _orders.ChangeAsync(clientId, paid, "pay", 1);
        await _orders.ChangeAsync(clientId, cancelled, "cancel", 1);

        var stats = await Eventually.Until(
            () => ItemAsync(Keys.ClientOrderStats(clientId)),
            s => s is not null && s[Attributes.SourceVersion].N == "5",
            what: "the client's stats to be computed from all five order versions");

        Assert.Equal(("2", "36.5"), (stats![Attributes.OrderCount].N, Normalise(stats[Attributes.TotalSpent].N)));
    }

    [Fact]
    public async Task A_books_units_sold_converge_and_leave_out_cancelled_orders()
    {
        var book = await OrderSources.WriteBookAsync(_api.Tables, AuthorId, "Children of Dune", 9.00m);
        var clientId = await OrderSources.WriteClientAsync(_api.Tables, "Selma Lagerlöf", "selma@example.se");
        await _orders.PlaceAsync(clientId, Line(AuthorId, bookId: book.BookId, quantity: 2), Line(AuthorId, title: book.Title, quantity: 1));
        await _orders.PlaceAsync(clientId, Line(AuthorId, bookId: book.BookId, quantity: 4));
        var (cancelled, _, _) = await _orders.PlaceAsync(clientId, Line(AuthorId, bookId: book.BookId, quantity: 10));
        await _orders.ChangeAsync(clientId, cancelled, "cancel", 1);

        var sales = await Eventually.Until(
            () => ItemAsync(Keys.BookSales(book.BookId)),
            s => s is not null && s[Attributes.SourceVersion].N == "4",
            what: "the book's units sold to be computed from three sales, one cancelled");

        Assert.Equal("7", sales![Attributes.UnitsSold].N);
    }

    private Task<Dictionary<string, AttributeValue>> OrderItemAsync(string clientId, string orderId) =>
        ItemAsync(Keys.Order(clientId, orderId))!;

    private async Task<Dictionary<string, AttributeValue>?> ItemAsync(ItemKey key) => await OrderSources.GetAsync(_api.Tables, key);

    private static string Normalise(string number) =>
        decimal.Parse(number, System.Globalization.CultureInfo.InvariantCulture).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
