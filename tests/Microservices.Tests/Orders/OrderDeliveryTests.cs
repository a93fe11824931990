using Microservices.Contracts;
using Microservices.Messaging;
using Orders.Domain;
using static Microservices.Tests.Orders.OrderCalls;

namespace Microservices.Tests.Orders;

/// <summary>
/// Orders' real events, mapped by its real map and delivered to the real consumers over RabbitMQ twice, in reverse,
/// and a cancel before its order's placement: the aggregates and copies must end exactly right, because the consumers
/// recompute from the sources instead of counting messages.
/// </summary>
public sealed class OrderDeliveryTests(DynamoDbLocalFixture dynamo, RabbitMqFixture rabbit) : OrdersTest(dynamo, "order-delivery")
{
    private static readonly string AuthorId = Ids.New();

    private BusTraffic _traffic = null!;
    private (string ClientId, string BookId)? _history;

    private IBus Bus => Worker!.Services.GetRequiredService<IBus>();

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _traffic = BusTraffic.Watch(Bus);
    }

    // Consumers only: the test is the publisher, so it decides what arrives, how often and in which order.
    protected override async Task<IHost?> StartWorkerAsync(DynamoDbOptions tables) =>
        await OrdersWorker.StartAsync(tables, await rabbit.NewVirtualHostAsync("order-delivery"), relay: false);

    [Fact]
    public async Task Every_message_twice_and_in_reverse_leaves_the_aggregates_exactly_right()
    {
        var (clientId, bookId) = await WriteHistoryAsync();
        var messages = await ContractsAsync();
        Assert.Equal(5, messages.Count); // three placed, one paid, one cancelled

        var delivered = _traffic.Consumed;
        foreach (var message in messages.AsEnumerable().Reverse().Concat(messages).Concat(messages.AsEnumerable().Reverse()))
        {
            await Bus.Publish(message, message.GetType(), TestContext.Current.CancellationToken);
        }

        // Paid has no consumer in Orders: 4 consumed messages per round, three rounds.
        await _traffic.UntilConsumedAsync(delivered + 12);
        await AssertAggregatesAsync(clientId, bookId);
    }

    [Fact]
    public async Task A_cancel_delivered_before_its_order_placed_still_ends_right()
    {
        var (clientId, bookId) = await WriteHistoryAsync();
        var messages = await ContractsAsync();
        var cancel = messages.Single(m => m is Microservices.Contracts.Orders.OrderCancelledV1);

        var delivered = _traffic.Consumed;
        await Bus.Publish(cancel, cancel.GetType(), TestContext.Current.CancellationToken);
        await _traffic.UntilConsumedAsync(delivered + 1);
        foreach (var message in messages.Where(m => m is Microservices.Contracts.Orders.OrderPlacedV1))
        {
            await Bus.Publish(message, message.GetType(), TestContext.Current.CancellationToken);
        }

        await _traffic.UntilConsumedAsync(delivered + 4);
        await AssertAggregatesAsync(clientId, bookId);
    }

    [Fact]
    public async Task An_aggregate_from_newer_sources_is_not_overwritten_by_an_older_recomputation()
    {
        var (clientId, _) = await WriteHistoryAsync();
        var key = Keys.ClientOrderStats(clientId);
        using var client = DynamoDbLocalFixture.CreateClient(Tables);
        await client.PutItemAsync(new PutItemRequest
        {
            TableName = Tables.TableName,
            Item = new()
            {
                [Attributes.PK] = new(key.PK),
                [Attributes.SK] = new(key.SK),
                [Attributes.ItemType] = new(ItemTypes.ClientOrderStats),
                [Attributes.ClientId] = new(clientId),
                [Attributes.OrderCount] = new() { N = "99" },
                [Attributes.TotalSpent] = new() { N = "0" },
                [Attributes.SourceVersion] = new() { N = "1000" },
            },
        }, TestContext.Current.CancellationToken);

        var placed = (await ContractsAsync()).First(m => m is Microservices.Contracts.Orders.OrderPlacedV1);
        var delivered = _traffic.Consumed;
        await Bus.Publish(placed, placed.GetType(), TestContext.Current.CancellationToken);
        await _traffic.UntilConsumedAsync(delivered + 1);

        var stats = await OrderSources.GetAsync(Tables, key);
        Assert.Equal(("99", "1000"), (stats![Attributes.OrderCount].N, stats[Attributes.SourceVersion].N));
    }

    /// <summary>Three orders of one client for one book (2, 4 and 10 units); the third is cancelled, the second paid.</summary>
    private async Task<(string ClientId, string BookId)> WriteHistoryAsync()
    {
        var book = await OrderSources.WriteBookAsync(Tables, AuthorId, $"Book {Ids.New()}", 5.00m);
        var clientId = await Clients.RegisterAsync("Malin Persson", "malin@example.se");
        await Http.PlaceAsync(clientId, Line(AuthorId, bookId: book.BookId, quantity: 2));
        var (paid, _, _) = await Http.PlaceAsync(clientId, Line(AuthorId, bookId: book.BookId, quantity: 4));
        var (cancelled, _, _) = await Http.PlaceAsync(clientId, Line(AuthorId, bookId: book.BookId, quantity: 10));
        await Http.ChangeAsync(clientId, paid, "pay", 1);
        await Http.ChangeAsync(clientId, cancelled, "cancel", 1);
        _history = (clientId, book.BookId);
        return _history.Value;
    }

    /// <summary>This test's Orders events as the relay would publish them: the contracts recorded on the event items.</summary>
    private async Task<List<IIntegrationEvent>> ContractsAsync()
    {
        var contracts = (await StreamRecords.PublishedContractsAsync(Tables)).Select(c => c.Contract).OfType<IIntegrationEvent>();
        var clientId = _history!.Value.ClientId;
        return [.. contracts.Where(c => c.GetType().Namespace == typeof(global::Microservices.Contracts.Orders.OrderPlacedV1).Namespace
                                        && c.GetType().GetProperty("ClientId")!.GetValue(c) as string == clientId)];
    }

    private async Task AssertAggregatesAsync(string clientId, string bookId)
    {
        var stats = await OrderSources.GetAsync(Tables, Keys.ClientOrderStats(clientId));
        var sales = await OrderSources.GetAsync(Tables, Keys.BookSales(bookId));

        Assert.Equal(("2", 30m), (stats![Attributes.OrderCount].N, decimal.Parse(stats[Attributes.TotalSpent].N, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal("6", sales![Attributes.UnitsSold].N);
    }
}
