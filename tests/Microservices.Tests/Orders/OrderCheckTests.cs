using static Microservices.Tests.Orders.OrderCalls;

namespace Microservices.Tests.Orders;

/// <summary>
/// The ops check on Orders' copies and aggregates: nothing on a converged table, and exactly the copy or aggregate
/// a test broke by hand, through the real command line's output and exit code too.
/// </summary>
public sealed class OrderCheckTests(DynamoDbLocalFixture dynamo, RabbitMqFixture rabbit) : OrdersTest(dynamo, "order-check")
{
    private static readonly string AuthorId = Ids.New();

    private string _clientId = null!;
    private string _orderId = null!;
    private string _bookId = null!;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();

        var dune = await OrderSources.WriteBookAsync(Tables, AuthorId, "Dune", 10.00m);
        var messiah = await OrderSources.WriteBookAsync(Tables, AuthorId, "Dune Messiah", 7.00m);
        await OrderSources.WriteConvergedCatalogAsync(Tables, new global::Catalog.Domain.Author(AuthorId, "Frank Herbert", 1), dune, messiah);
        _bookId = dune.BookId;
        _clientId = await Clients.RegisterAsync("Malin Persson", "malin@example.se");
        (_orderId, _, _) = await Http.PlaceAsync(_clientId, Line(AuthorId, title: "Dune", quantity: 2), Line(AuthorId, title: "Dune Messiah"));
        var (cancelled, _, _) = await Http.PlaceAsync(_clientId, Line(AuthorId, title: "Dune", quantity: 5));
        await Http.ChangeAsync(_clientId, cancelled, "cancel", 1);
        await Eventually.Until(CheckAsync, drifts => drifts.Count == 0, what: "the Orders copies and aggregates to converge");
        // Stop the worker, so nothing repairs what the tests break.
        await Worker!.StopAsync(TestContext.Current.CancellationToken);
        // The whole-table check also wants each canonical item's event stream, which the sources above were written without.
        await OrderSources.WriteMissingStreamsAsync(Tables);
    }

    protected override async Task<IHost?> StartWorkerAsync(DynamoDbOptions tables) =>
        await OrdersWorker.StartAsync(tables, await rabbit.NewVirtualHostAsync("order-check"), relay: true);

    [Fact]
    public async Task A_converged_table_has_no_drift_and_check_exits_0()
    {
        Assert.Empty(await CheckAsync());
        var stats = await OrderSources.GetAsync(Tables, Keys.ClientOrderStats(_clientId));
        Assert.Equal("1", stats![Attributes.OrderCount].N); // the cancelled order is not counted

        var (exitCode, output) = await RunOpsAsync("check");
        Assert.True(exitCode == 0, output);
    }

    [Fact]
    public async Task A_stale_client_copy_on_an_order_is_the_one_reported()
    {
        var key = Keys.Order(_clientId, _orderId);
        await SetAsync(key, Attributes.ClientName, new("Malin P."), async () =>
        {
            var drift = Assert.Single(await CheckAsync());

            Assert.Equal(("drifted", key), (drift.Kind, drift.Key));
            Assert.Equal((Attributes.ClientName, "Malin Persson", "Malin P."), (drift.Field, drift.Expected, drift.Found));
            var (exitCode, output) = await RunOpsAsync("check");
            Assert.Equal(1, exitCode);
            Assert.Contains(key.SK, output, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task A_corrupted_order_count_is_the_one_reported()
    {
        var key = Keys.ClientOrderStats(_clientId);
        await SetAsync(key, Attributes.OrderCount, new() { N = "2" }, async () =>
        {
            var drift = Assert.Single(await CheckAsync());

            Assert.Equal(("drifted", key, Attributes.OrderCount, "1", "2"), (drift.Kind, drift.Key, drift.Field, drift.Expected, drift.Found));
        });
    }

    [Fact]
    public async Task A_corrupted_units_sold_is_the_one_reported()
    {
        var key = Keys.BookSales(_bookId);
        await SetAsync(key, Attributes.UnitsSold, new() { N = "7" }, async () =>
        {
            var drift = Assert.Single(await CheckAsync());

            // 2 units of Dune on the live order; the 5 on the cancelled one do not count.
            Assert.Equal(("drifted", key, Attributes.UnitsSold, "2", "7"), (drift.Kind, drift.Key, drift.Field, drift.Expected, drift.Found));
        });
    }

    [Fact]
    public async Task A_deleted_aggregate_is_reported_missing()
    {
        var key = Keys.ClientOrderStats(_clientId);
        using var client = DynamoDbLocalFixture.CreateClient(Tables);
        var before = await OrderSources.GetAsync(Tables, key);
        await client.DeleteItemAsync(Tables.TableName, KeyOf(key), TestContext.Current.CancellationToken);
        try
        {
            var drift = Assert.Single(await CheckAsync());

            Assert.Equal(("missing", key), (drift.Kind, drift.Key));
        }
        finally
        {
            await client.PutItemAsync(Tables.TableName, before, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Sets one attribute by hand, runs <paramref name="assert"/>, and puts the old value back.</summary>
    private async Task SetAsync(ItemKey key, string attribute, AttributeValue value, Func<Task> assert)
    {
        using var client = DynamoDbLocalFixture.CreateClient(Tables);
        var before = await OrderSources.GetAsync(Tables, key);
        await client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = Tables.TableName,
            Key = KeyOf(key),
            UpdateExpression = "SET #a = :v",
            ExpressionAttributeNames = new() { ["#a"] = attribute },
            ExpressionAttributeValues = new() { [":v"] = value },
        }, TestContext.Current.CancellationToken);
        try
        {
            await assert();
        }
        finally
        {
            await client.PutItemAsync(Tables.TableName, before, TestContext.Current.CancellationToken);
        }
    }

    private static Dictionary<string, AttributeValue> KeyOf(ItemKey key) =>
        new() { [Attributes.PK] = new(key.PK), [Attributes.SK] = new(key.SK) };

    private async Task<IReadOnlyList<Drift>> CheckAsync()
    {
        using var client = DynamoDbLocalFixture.CreateClient(Tables);
        return await OrderChecks.RunAsync(client, Tables.TableName, TestContext.Current.CancellationToken);
    }

    private Task<(int ExitCode, string Output)> RunOpsAsync(string verb) => OpsTool.RunAsync(Tables, verb);
}
