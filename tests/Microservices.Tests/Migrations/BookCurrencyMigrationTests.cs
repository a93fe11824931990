using System.Text.Json.Nodes;
using Amazon.DynamoDBv2;
using Catalog.Api;
using Catalog.Domain;
using Microservices.Contracts.Catalog;
using Microservices.Migrations;
using Microservices.Schema.Migrations;
using Microservices.Tests.Catalog;

namespace Microservices.Tests.Migrations;

/// <summary>
/// Migration 2 (book.added.v2, a price's currency) on a table that holds books from before it: their events stored
/// as book.added.v1, their items and snapshots without a currency, their copies and counts made by the real workers
/// from real messages. The Catalog serves them in EUR through the upcaster, folds them as v2, and the migration gives
/// every book item its Currency; the v1 genre and count consumers take the v2 messages throughout.
/// </summary>
[TakesAbout(31)]
public sealed class BookCurrencyMigrationTests(DynamoDbLocalFixture dynamo, RabbitMqFixture rabbit) : ApiTest<CatalogService>(dynamo, "migrate-currency")
{
    protected override async Task<IHost?> StartWorkerAsync(DynamoDbOptions tables) =>
        await GenreWorker.StartAsync(tables, await rabbit.NewVirtualHostAsync("currency"));

    [Fact]
    public async Task Books_from_before_v2_read_in_EUR_fold_as_v2_and_the_migration_gives_each_its_currency_once()
    {
        var (authorId, _) = await Http.RegisterAuthorAsync("Tove Jansson");
        var old = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            old.Add((await Http.AddBookAsync(authorId, $"Moomin {i}", "classics", 10m + i)).BookId);
        }

        var dollars = await Http.SendAsync(HttpMethod.Post, $"/authors/{authorId}/books", new { title = "Moomin USA", genre = "classics", price = 12m, currency = "USD" }, HttpStatusCode.Created);
        await CatalogChecks.UntilNoDriftAsync(Tables);
        foreach (var bookId in old)
        {
            await WriteAsBeforeV2Async(bookId);
        }

        await AssertCheckAsync(0);
        var books = (await Http.GetAsync($"/authors/{authorId}"))["books"]!.AsArray();
        Assert.Equal(6, books.Count(b => b!["currency"]!.GetValue<string>() == "EUR"));
        Assert.Equal("USD", Assert.Single(books, b => b!["bookId"]!.GetValue<string>() == dollars["bookId"]!.GetValue<string>())!["currency"]!.GetValue<string>());

        // A command on a book from before v2 folds its v1 event as v2 (its snapshot of the old state is refused) and
        // writes the item with its currency: the backfill then leaves it alone.
        await Http.SendAsync(HttpMethod.Put, $"/authors/{authorId}/books/{old[0]}/price", new { price = 20m, expectedVersion = 1 }, HttpStatusCode.OK);
        Assert.Equal("EUR", (await BookItemAsync(old[0]))[Attributes.Currency].S);

        var (exit, output) = await OpsTool.RunAsync(Tables, "migrate", "up");

        Assert.True(exit == 0, output);
        var record = Assert.Single(await HistoryAsync(), r => r.Version == BookCurrency.Number);
        Assert.Equal((MigrationState.Applied, 7L, 5L), (record.State, record.Visited, record.Changed));
        Assert.All(await TableItems.OfTypeAsync(Tables, ItemTypes.Book), b => Assert.True(b.ContainsKey(Attributes.Currency), b[Attributes.Title].S));
        await AssertCheckAsync(0);

        // Taken to 1 it would have to forget currencies given since: refused, and the table keeps them.
        (exit, output) = await OpsTool.RunAsync(Tables, "migrate", "down", "--to", "1");
        Assert.True(exit == MigrateCommands.Refused, output);
        Assert.Contains("cannot", output, StringComparison.OrdinalIgnoreCase);

        // Applied, a book without its currency is an anomaly of the shapes.
        using var client = Dynamo();
        var lost = await BookItemAsync(old[1]);
        await client.UpdateItemAsync(new UpdateItemRequest { TableName = Tables.TableName, Key = ItemChange.KeyOf(lost), UpdateExpression = "REMOVE Currency" }, TestContext.Current.CancellationToken);
        var anomaly = Assert.Single(await AssertCheckAsync(1));
        Assert.Equal((ConsistencyCheck.Shapes, "unmigrated", lost[Attributes.PK].S, Attributes.Currency), (anomaly.Invariant, anomaly.Kind, anomaly.PK, anomaly.Field));
    }

    [Fact]
    public async Task A_v2_book_reaches_the_v1_consumers_and_a_currency_outside_the_list_is_a_400_naming_it()
    {
        var (authorId, _) = await Http.RegisterAuthorAsync("Astrid Lindgren");
        var added = await Http.SendAsync(HttpMethod.Post, $"/authors/{authorId}/books", new { title = "Pippi", genre = "classics", price = 99m, currency = "SEK" }, HttpStatusCode.Created);

        var bookId = added["bookId"]!.GetValue<string>();
        var events = await TableItems.OfTypeAsync(Tables, ItemTypes.Event);
        var stored = Assert.Single(events, e => e[Attributes.PK].S == Keys.StreamPartition("book", bookId));
        Assert.Equal(("book.added.v2", typeof(BookAddedV2).FullName), (stored[Attributes.EventType].S, stored[Attributes.ContractType].S));
        await CatalogChecks.UntilNoDriftAsync(Tables);
        Assert.Equal(1, (await Http.GetAsync($"/authors/{authorId}"))["bookCount"]!.GetValue<int>());
        Assert.Single(await TableItems.GenreCopiesAsync(Tables), c => c[Attributes.BookId].S == bookId);

        var problem = await Http.SendAsync(HttpMethod.Post, $"/authors/{authorId}/books", new { title = "Emil", genre = "classics", price = 5m, currency = "eur" }, HttpStatusCode.BadRequest);
        Assert.Contains("EUR, GBP, SEK, USD", problem["errors"]!["currency"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    /// <summary>
    /// Rewrites a book added through today's API as the code before book.added.v2 left it: its event under the v1
    /// name with v1 data and contract, its snapshot without a currency, its item without Currency. Updates, not
    /// inserts, so the relay publishes nothing again.
    /// </summary>
    private async Task WriteAsBeforeV2Async(string bookId)
    {
        using var client = Dynamo();
        var key = Keys.Event("book", bookId, 1);
        var @event = (await client.GetItemAsync(Tables.TableName, new() { [Attributes.PK] = new(key.PK), [Attributes.SK] = new(key.SK) }, true, TestContext.Current.CancellationToken)).Item;
        await client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = Tables.TableName,
            Key = ItemChange.KeyOf(@event),
            UpdateExpression = "SET EventType = :v1, #data = :data, Contract = :contract, ContractType = :contractType, #snapshot = :snapshot",
            ExpressionAttributeNames = new() { ["#data"] = Attributes.Data, ["#snapshot"] = Attributes.Snapshot },
            ExpressionAttributeValues = new()
            {
                [":v1"] = new("book.added.v1"),
                [":data"] = new(WithoutCurrency(@event[Attributes.Data].S)),
                [":contract"] = new(WithoutCurrency(@event[Attributes.Contract].S)),
                [":contractType"] = new(typeof(BookAddedV1).FullName),
                [":snapshot"] = new(WithoutCurrency(@event[Attributes.Snapshot].S)),
            },
        }, TestContext.Current.CancellationToken);
        await client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = Tables.TableName,
            Key = ItemChange.KeyOf(await BookItemAsync(bookId)),
            UpdateExpression = "REMOVE Currency",
        }, TestContext.Current.CancellationToken);
    }

    private static string WithoutCurrency(string json)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        Assert.True(node.Remove("currency"), json);
        return node.ToJsonString();
    }

    private async Task<Dictionary<string, AttributeValue>> BookItemAsync(string bookId) =>
        Assert.Single(await TableItems.OfTypeAsync(Tables, ItemTypes.Book), b => b[Attributes.BookId].S == bookId);

    private async Task<IReadOnlyList<AnomalyEntry>> AssertCheckAsync(int expectedExit)
    {
        var report = Path.GetTempFileName();
        var (exit, output) = await OpsTool.RunAsync(Tables, "check", "--report", report);
        Assert.True(exit == expectedExit, output);
        return ConsistencyReport.FromJson(await File.ReadAllTextAsync(report, TestContext.Current.CancellationToken)).Anomalies;
    }

    private Task<IReadOnlyList<MigrationRecord>> HistoryAsync() => MigrationRecords.ReadAsync(Tables);

    private AmazonDynamoDBClient Dynamo() => DynamoDbLocalFixture.CreateClient(Tables);
}
