using Microservices.Tests.Orders;
using static Microservices.Tests.Orders.OrderCalls;

namespace Microservices.Tests.Ops;

/// <summary>
/// <c>ops repair</c> on the Orders copies and aggregates: it puts back exactly what the Orders worker had written,
/// source versions included, though it computes them from the order lines and statuses with none of the worker's code.
/// </summary>
public sealed class OrderRepairTests(DynamoDbLocalFixture dynamo, RabbitMqFixture rabbit) : OrdersTest(dynamo, "order-repair")
{
    private static readonly string AuthorId = Ids.New();

    private string _clientId = null!;
    private string _orderId = null!;
    private string _duneId = null!;
    private string _messiahId = null!;
    private string _reportPath = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _reportPath = Path.Combine(Path.GetTempPath(), $"consistency-{Guid.NewGuid():N}.json");

        var dune = await OrderSources.WriteBookAsync(Tables, AuthorId, "Dune", 10.00m);
        var messiah = await OrderSources.WriteBookAsync(Tables, AuthorId, "Dune Messiah", 7.00m);
        await OrderSources.WriteConvergedCatalogAsync(Tables, new global::Catalog.Domain.Author(AuthorId, "Frank Herbert", 1), dune, messiah);
        (_duneId, _messiahId) = (dune.BookId, messiah.BookId);
        _clientId = await Clients.RegisterAsync("Malin Persson", "malin@example.se");
        (_orderId, _, _) = await Http.PlaceAsync(_clientId, Line(AuthorId, title: "Dune", quantity: 2), Line(AuthorId, title: "Dune Messiah"));
        var (cancelled, _, _) = await Http.PlaceAsync(_clientId, Line(AuthorId, title: "Dune", quantity: 5));
        await Http.ChangeAsync(_clientId, cancelled, "cancel", 1);
        await Eventually.Until(async () =>
        {
            using var client = DynamoDbLocalFixture.CreateClient(Tables);
            return await OrderChecks.RunAsync(client, Tables.TableName, Cancellation);
        }, drifts => drifts.Count == 0, what: "the Orders copies and aggregates to converge");
        await Worker!.StopAsync(Cancellation);
        await OrderSources.WriteMissingStreamsAsync(Tables);
    }

    protected override async Task<IHost?> StartWorkerAsync(DynamoDbOptions tables) =>
        await OrdersWorker.StartAsync(tables, await rabbit.NewVirtualHostAsync("order-repair"), relay: true);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        File.Delete(_reportPath);
    }

    [Fact]
    public async Task Repair_puts_back_the_client_copies_and_aggregates_the_worker_wrote_source_versions_included()
    {
        var order = Keys.Order(_clientId, _orderId);
        var stats = Keys.ClientOrderStats(_clientId);
        var duneSales = Keys.BookSales(_duneId);
        var messiahSales = Keys.BookSales(_messiahId);
        var before = new Dictionary<ItemKey, Dictionary<string, AttributeValue>>();
        foreach (var key in new[] { order, stats, duneSales, messiahSales })
        {
            before[key] = (await OrderSources.GetAsync(Tables, key))!;
        }

        using var client = DynamoDbLocalFixture.CreateClient(Tables);
        await SetAsync(client, order, Attributes.ClientEmail, new("old@example.se"));
        await SetAsync(client, stats, Attributes.TotalSpent, new() { N = "99" });
        await SetAsync(client, duneSales, Attributes.UnitsSold, new() { N = "7" });
        await client.DeleteItemAsync(Tables.TableName, new() { [Attributes.PK] = new(messiahSales.PK), [Attributes.SK] = new(messiahSales.SK) }, Cancellation);
        var (checkExit, checkReport, _) = await RunOpsAsync("check");
        Assert.Equal(1, checkExit);
        Assert.Equal(4, checkReport.Anomalies.Count);

        var (repairExit, repairReport, output) = await RunOpsAsync("repair");

        Assert.True(repairExit == 0, output);
        Assert.Empty(repairReport.Anomalies);
        foreach (var (key, item) in before)
        {
            var after = (await OrderSources.GetAsync(Tables, key))!;
            Assert.Equal(Sorted(item), Sorted(after));
        }
    }

    private static List<string> Sorted(Dictionary<string, AttributeValue> item) =>
        [.. item.Select(a => $"{a.Key}={a.Value.S ?? (a.Value.N is null ? a.Value.M?.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) : decimal.Parse(a.Value.N, System.Globalization.CultureInfo.InvariantCulture).ToString(System.Globalization.CultureInfo.InvariantCulture))}").Order(StringComparer.Ordinal)];

    private async Task SetAsync(Amazon.DynamoDBv2.AmazonDynamoDBClient client, ItemKey key, string attribute, AttributeValue value) =>
        await client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = Tables.TableName,
            Key = new() { [Attributes.PK] = new(key.PK), [Attributes.SK] = new(key.SK) },
            UpdateExpression = "SET #a = :v",
            ConditionExpression = "attribute_exists(PK)",
            ExpressionAttributeNames = new() { ["#a"] = attribute },
            ExpressionAttributeValues = new() { [":v"] = value },
        }, Cancellation);

    private async Task<(int ExitCode, ConsistencyReport Report, string Output)> RunOpsAsync(string verb)
    {
        var (exitCode, output) = await OpsTool.RunAsync(Tables, verb, "--report", _reportPath);
        return (exitCode, ConsistencyReport.FromJson(await File.ReadAllTextAsync(_reportPath, Cancellation)), output);
    }
}
