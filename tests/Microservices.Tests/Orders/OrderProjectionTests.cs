using static Microservices.Tests.Orders.OrderCalls;

namespace Microservices.Tests.Orders;

/// <summary>
/// The Orders worker over RabbitMQ, fed by the relay with Orders' events and with the changes of clients made through
/// the real Clients API: the client copies follow the client, also when a change races a new order,
/// and the aggregates converge.
/// </summary>
public sealed class OrderProjectionTests(DynamoDbLocalFixture dynamo, RabbitMqFixture rabbit) : OrdersTest(dynamo, "order-projections")
{
    private static readonly string AuthorId = Ids.New();

    private string _duneId = null!;
    private string _messiahId = null!;

    private IBus Bus => Worker!.Services.GetRequiredService<IBus>();

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _duneId = (await OrderSources.WriteBookAsync(Tables, AuthorId, "Dune", 10.00m)).BookId;
        _messiahId = (await OrderSources.WriteBookAsync(Tables, AuthorId, "Dune Messiah", 5.50m)).BookId;
    }

    protected override async Task<IHost?> StartWorkerAsync(DynamoDbOptions tables) =>
        await OrdersWorker.StartAsync(tables, await rabbit.NewVirtualHostAsync("order-projections"), relay: true);

    [Fact]
    public async Task A_client_change_rewrites_the_name_and_email_on_every_order_of_the_client()
    {
        var clientId = await Clients.RegisterAsync("Malin Persson", "malin@example.se");
        var (first, _, _) = await Http.PlaceAsync(clientId, Line(AuthorId, title: "Dune"));
        var (second, _, _) = await Http.PlaceAsync(clientId, Line(AuthorId, title: "Dune Messiah"));

        await Clients.ChangeDetailsAsync(clientId, "Malin Lindqvist", "malin@lindqvist.se", expectedVersion: 1);

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
        var clientId = await Clients.RegisterAsync("Frank Herbert", "frank@example.com");
        var fannedOut = false;
        // Between the API's read of the client and its transaction: the client is renamed through the Clients API, and
        // the relay's ClientDetailsChangedV1 is fanned out to the client's orders, of which the new one is not yet one.
        Api.Requests.Before(r => r is TransactWriteItemsRequest, async () =>
        {
            var consumed = ClientEvents.ConsumedAsync(Bus, clientId, 2);
            await Clients.ChangeDetailsAsync(clientId, "Franklin Herbert", "franklin@example.com", expectedVersion: 1);
            await consumed.WaitAsync(TimeSpan.FromSeconds(30));
            fannedOut = true;
        });

        var (orderId, _, _) = await Http.PlaceAsync(clientId, Line(AuthorId, title: "Dune"));

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
        var clientId = await Clients.RegisterAsync("Astrid Lindgren", "astrid@example.se");
        await Http.PlaceAsync(clientId, Line(AuthorId, title: "Dune", quantity: 2));                       // 20.00
        var (paid, _, _) = await Http.PlaceAsync(clientId, Line(AuthorId, title: "Dune Messiah", quantity: 3)); // 16.50
        var (cancelled, _, _) = await Http.PlaceAsync(clientId, Line(AuthorId, title: "Dune"));            // 10.00, cancelled
        await Http.ChangeAsync(clientId, paid, "pay", 1);
        await Http.ChangeAsync(clientId, cancelled, "cancel", 1);

        var stats = await Eventually.Until(
            () => ItemAsync(Keys.ClientOrderStats(clientId)),
            s => s is not null && s[Attributes.SourceVersion].N == "5",
            what: "the client's stats to be computed from all five order versions");

        Assert.Equal(("2", "36.5"), (stats![Attributes.OrderCount].N, Normalise(stats[Attributes.TotalSpent].N)));
    }

    [Fact]
    public async Task A_books_units_sold_converge_and_leave_out_cancelled_orders()
    {
        var book = await OrderSources.WriteBookAsync(Tables, AuthorId, "Children of Dune", 9.00m);
        var clientId = await Clients.RegisterAsync("Selma Lagerlöf", "selma@example.se");
        await Http.PlaceAsync(clientId, Line(AuthorId, bookId: book.BookId, quantity: 2), Line(AuthorId, title: book.Title, quantity: 1));
        await Http.PlaceAsync(clientId, Line(AuthorId, bookId: book.BookId, quantity: 4));
        var (cancelled, _, _) = await Http.PlaceAsync(clientId, Line(AuthorId, bookId: book.BookId, quantity: 10));
        await Http.ChangeAsync(clientId, cancelled, "cancel", 1);

        var sales = await Eventually.Until(
            () => ItemAsync(Keys.BookSales(book.BookId)),
            s => s is not null && s[Attributes.SourceVersion].N == "4",
            what: "the book's units sold to be computed from three sales, one cancelled");

        Assert.Equal("7", sales![Attributes.UnitsSold].N);
    }

    private Task<Dictionary<string, AttributeValue>> OrderItemAsync(string clientId, string orderId) =>
        ItemAsync(Keys.Order(clientId, orderId))!;

    private async Task<Dictionary<string, AttributeValue>?> ItemAsync(ItemKey key) => await OrderSources.GetAsync(Tables, key);

    private static string Normalise(string number) =>
        decimal.Parse(number, System.Globalization.CultureInfo.InvariantCulture).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
