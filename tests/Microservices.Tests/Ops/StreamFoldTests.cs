using System.Globalization;
using Microservices.Tests.Clients;
using Microservices.Tests.Orders;
using static Microservices.Tests.Orders.OrderCalls;

namespace Microservices.Tests.Ops;

/// <summary>
/// The fold half of the stream invariant, on a table written through the real Catalog, Clients and Orders APIs: the
/// fold of every stream's events, recomputed in Ops from the events' JSON, equals its canonical item; a canonical
/// attribute changed by hand is reported with its key, field, expected and found values; an event type the fold does
/// not know is reported, never skipped.
/// </summary>
public sealed class StreamFoldTests(DynamoDbLocalFixture dynamo) : IAsyncLifetime
{
    private CatalogApi _catalogApi = null!;
    private ClientsApi _clientsApi = null!;
    private OrdersApi _ordersApi = null!;
    private string _herbert = null!;
    private string _dune = null!;
    private string _malin = null!;
    private string _paidOrder = null!;

    private DynamoDbOptions Tables => _catalogApi.Tables;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var tables = await dynamo.CreateTablesAsync("fold");
        _catalogApi = new CatalogApi(tables);
        _clientsApi = new ClientsApi(tables);
        _ordersApi = new OrdersApi(tables);
        var catalog = new ApiClient(_catalogApi.CreateClient());
        var clients = new ApiClient(_clientsApi.CreateClient());
        var orders = new ApiClient(_ordersApi.CreateClient());

        // Authors renamed; books with price, genre and title changes; a deleted book.
        (_herbert, var herbertVersion) = await catalog.RegisterAuthorAsync("Frank Herbert");
        await catalog.RenameAuthorAsync(_herbert, "Franklin Patrick Herbert", herbertVersion);
        var (leGuin, leGuinVersion) = await catalog.RegisterAuthorAsync("Ursula Le Guin");
        leGuinVersion = await catalog.RenameAuthorAsync(leGuin, "Ursula K. Le Guin", leGuinVersion);
        await catalog.RenameAuthorAsync(leGuin, "Ursula Kroeber Le Guin", leGuinVersion);
        (_dune, _) = await catalog.AddBookAsync(_herbert, "Dune", "science-fiction", 10.99m);
        await Put(catalog, $"/authors/{_herbert}/books/{_dune}/price", new { price = 12.50m, expectedVersion = 1 });
        var (messiah, _) = await catalog.AddBookAsync(_herbert, "Dune Messiah", "science-fiction", 9.99m);
        await Put(catalog, $"/authors/{_herbert}/books/{messiah}/title", new { title = "Messiah", expectedVersion = 1 });
        await Put(catalog, $"/authors/{_herbert}/books/{messiah}/genre", new { genre = "classics", expectedVersion = 2 });
        await Put(catalog, $"/authors/{_herbert}/books/{messiah}/price", new { price = 7.30m, expectedVersion = 3 });
        var (children, _) = await catalog.AddBookAsync(_herbert, "Children of Dune", "science-fiction", 8.00m);
        await catalog.SendAsync(HttpMethod.Delete, $"/authors/{_herbert}/books/{children}?expectedVersion=1", null, HttpStatusCode.OK);
        var (earthsea, _) = await catalog.AddBookAsync(leGuin, "A Wizard of Earthsea", "fantasy", 8.99m);

        // A client with phones set and removed, details changed and an address; one whose only phone was removed.
        (_malin, var version) = await clients.RegisterAsync("Malin Persson", "malin@example.se",
            new Dictionary<string, string> { ["mobile"] = "+46 70 123 45 67", ["home"] = "+46 40 12 34 56" });
        version = await clients.SetPhoneAsync(_malin, "work", "+46 40 99 88 77", version);
        version = await clients.SetPhoneAsync(_malin, "mobile", "+46 70 765 43 21", version);
        version = await Version(clients.SendAsync(HttpMethod.Delete, $"/clients/{_malin}/phones/home?expectedVersion={Text(version)}", null, HttpStatusCode.OK));
        version = await Version(clients.SendAsync(HttpMethod.Put, $"/clients/{_malin}/details",
            new { name = "Malin Persson Berg", email = "malin.berg@example.se", expectedVersion = version }, HttpStatusCode.OK));
        await clients.AddAddressAsync(_malin, version);
        var (erik, erikVersion) = await clients.RegisterAsync("Erik Lund", "erik@example.se", new Dictionary<string, string> { ["mobile"] = "+46 73 111 22 33" });
        await Version(clients.SendAsync(HttpMethod.Delete, $"/clients/{erik}/phones/mobile?expectedVersion={Text(erikVersion)}", null, HttpStatusCode.OK));

        // Orders placed, paid, shipped and cancelled, with prices as they are after the changes above.
        (_paidOrder, _, _) = await orders.PlaceAsync(_malin, Line(_herbert, title: "Dune", quantity: 3), Line(_herbert, bookId: messiah));
        await orders.ChangeAsync(_malin, _paidOrder, "pay", 1);
        var (cancelled, _, _) = await orders.PlaceAsync(_malin, Line(leGuin, bookId: earthsea, quantity: 2));
        await orders.ChangeAsync(_malin, cancelled, "cancel", 1);
        var (shipped, _, _) = await orders.PlaceAsync(erik, Line(_herbert, title: "Messiah", quantity: 4));
        await orders.ChangeAsync(erik, shipped, "ship", await orders.ChangeAsync(erik, shipped, "pay", 1));
    }

    public async ValueTask DisposeAsync()
    {
        await _ordersApi.DisposeAsync();
        await _clientsApi.DisposeAsync();
        await _catalogApi.DisposeAsync();
    }

    [Fact]
    public async Task A_table_written_through_the_APIs_folds_to_its_canonical_items()
    {
        var items = await SnapshotAsync();

        Assert.Empty(StreamFold.Check(items));
        Assert.Empty(ConsistencyCheck.Run(items).Single(r => r.Invariant == ConsistencyCheck.Streams).Anomalies);
        // The fold really read the values: the client item holds what its phone and details events say.
        var client = items.Single(i => i[Attributes.ItemType].S == ItemTypes.Client && i[Attributes.ClientId].S == _malin);
        Assert.Equal("+46 70 765 43 21|+46 40 99 88 77", client[Attributes.PhoneNumbers].S);
        var order = items.Single(i => i[Attributes.ItemType].S == ItemTypes.Order && i[Attributes.OrderId].S == _paidOrder);
        Assert.Equal("44.8", CopySpecs.Text(order[Attributes.Total])); // 3 x 12.50 + 7.30
    }

    [Fact]
    public async Task A_canonical_attribute_changed_by_hand_is_reported_with_its_key_field_expected_and_found()
    {
        var author = Keys.Author(_herbert);
        var book = Keys.Book(_herbert, "Dune");
        var client = Keys.Client(_malin);
        var order = Keys.Order(_malin, _paidOrder);
        using var dynamoClient = DynamoDbLocalFixture.CreateClient(Tables);
        await SetAsync(dynamoClient, author, "#a = :v", new() { ["#a"] = Attributes.Name }, new("Frank Herbert"));
        await SetAsync(dynamoClient, book, "#a = :v", new() { ["#a"] = Attributes.Price }, new() { N = "1.5" });
        await SetAsync(dynamoClient, client, "#a.#t = :v", new() { ["#a"] = Attributes.Phones, ["#t"] = "work" }, new("+46 40 00 00 00"));
        await SetAsync(dynamoClient, order, "#a = :v", new() { ["#a"] = Attributes.Status }, new("shipped"));

        var streams = ConsistencyCheck.Run(await SnapshotAsync()).Single(r => r.Invariant == ConsistencyCheck.Streams);

        Assert.Equal(
            [
                new Drift("drifted", author, Attributes.Name, "Franklin Patrick Herbert", "Frank Herbert"),
                new Drift("drifted", book, Attributes.Price, "12.5", "1.5"),
                new Drift("drifted", client, "Phones.work", "+46 40 99 88 77", "+46 40 00 00 00"),
                new Drift("drifted", order, Attributes.Status, "paid", "shipped"),
            ],
            streams.Anomalies);
    }

    [Fact]
    public async Task A_snapshot_that_disagrees_with_the_events_before_it_is_reported_at_its_event()
    {
        // A command would start from this snapshot: the name and version it holds are not what the first two events say.
        var renamed = Keys.Event("author", _herbert, 2);
        var messiah = Keys.Event("book", _dune, 2);
        using var dynamoClient = DynamoDbLocalFixture.CreateClient(Tables);
        var item = (await dynamoClient.GetItemAsync(new GetItemRequest
        {
            TableName = Tables.TableName,
            Key = new() { [Attributes.PK] = new(renamed.PK), [Attributes.SK] = new(renamed.SK) },
            ConsistentRead = true,
        }, Cancellation)).Item;
        var snapshot = item[Attributes.Snapshot].S;
        Assert.Contains("\"name\":\"Franklin Patrick Herbert\"", snapshot, StringComparison.Ordinal);
        await SetAsync(dynamoClient, renamed, "#a = :v", new() { ["#a"] = Attributes.Snapshot },
            new(snapshot.Replace("Franklin Patrick Herbert", "Frank Herbert", StringComparison.Ordinal)));
        await SetAsync(dynamoClient, messiah, "#a = :v", new() { ["#a"] = Attributes.Snapshot }, new("{\"bookId\":"));

        var streams = ConsistencyCheck.Run(await SnapshotAsync()).Single(r => r.Invariant == ConsistencyCheck.Streams);

        Assert.Equal(2, streams.Anomalies.Count);
        Assert.Equal(new Drift("drifted", renamed, "Snapshot.Name", "Franklin Patrick Herbert", "Frank Herbert"), streams.Anomalies[0]);
        Assert.Equal((StreamFold.UnreadableSnapshot, messiah, Attributes.Snapshot, "{\"bookId\":"),
            (streams.Anomalies[1].Kind, streams.Anomalies[1].Key, streams.Anomalies[1].Field, streams.Anomalies[1].Found));
    }

    [Fact]
    public async Task An_event_of_a_type_the_fold_does_not_know_is_reported_and_its_stream_not_compared()
    {
        var unknown = Keys.Event("author", _herbert, 3);
        using var dynamoClient = DynamoDbLocalFixture.CreateClient(Tables);
        await dynamoClient.PutItemAsync(Tables.TableName, new Dictionary<string, AttributeValue>
        {
            [Attributes.PK] = new(unknown.PK),
            [Attributes.SK] = new(unknown.SK),
            [Attributes.ItemType] = new(ItemTypes.Event),
            [Attributes.StreamType] = new("author"),
            [Attributes.StreamId] = new(_herbert),
            [Attributes.Version] = new() { N = "3" },
            [Attributes.EventType] = new("author.pseudonym-added.v1"),
            [Attributes.Data] = new($$"""{"authorId":"{{_herbert}}","pseudonym":"F. H."}"""),
            [Attributes.RecordedAt] = new(DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture)),
        }, Cancellation);
        await SetAsync(dynamoClient, Keys.Author(_herbert), "#a = :v", new() { ["#a"] = Attributes.Version }, new() { N = "3" });

        var drift = Assert.Single(StreamFold.Check(await SnapshotAsync()));

        Assert.Equal(new Drift(StreamFold.UnknownEvent, unknown, Attributes.EventType, "an event type of the author stream", "author.pseudonym-added.v1"), drift);
    }

    [Fact]
    public void Data_the_fold_cannot_read_is_reported_at_its_event()
    {
        var key = Keys.Event("author", "0193a1", 1);
        var items = new List<Dictionary<string, AttributeValue>>
        {
            new()
            {
                [Attributes.PK] = new(key.PK),
                [Attributes.SK] = new(key.SK),
                [Attributes.ItemType] = new(ItemTypes.Event),
                [Attributes.StreamType] = new("author"),
                [Attributes.StreamId] = new("0193a1"),
                [Attributes.Version] = new() { N = "1" },
                [Attributes.EventType] = new("author.registered.v1"),
                [Attributes.Data] = new("""{"authorId":"0193a1","name":42}"""),
            },
        };

        var drift = Assert.Single(StreamFold.Check(items));

        Assert.Equal((StreamFold.UnreadableEvent, key, Attributes.Data, """{"authorId":"0193a1","name":42}"""), (drift.Kind, drift.Key, drift.Field, drift.Found));
    }

    private async Task<IReadOnlyList<Dictionary<string, AttributeValue>>> SnapshotAsync()
    {
        using var client = DynamoDbLocalFixture.CreateClient(Tables);
        return await TableSnapshot.ScanAsync(client, Tables.TableName, 2, null, Cancellation);
    }

    private async Task SetAsync(
        Amazon.DynamoDBv2.AmazonDynamoDBClient client, ItemKey key, string assignment, Dictionary<string, string> names, AttributeValue value) =>
        await client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = Tables.TableName,
            Key = new() { [Attributes.PK] = new(key.PK), [Attributes.SK] = new(key.SK) },
            UpdateExpression = $"SET {assignment}",
            ConditionExpression = "attribute_exists(PK)",
            ExpressionAttributeNames = names,
            ExpressionAttributeValues = new() { [":v"] = value },
        }, Cancellation);

    private static async Task Put(ApiClient catalog, string path, object body) =>
        await catalog.SendAsync(HttpMethod.Put, path, body, HttpStatusCode.OK);

    private static async Task<long> Version(Task<System.Text.Json.Nodes.JsonNode> response) => (await response)["version"]!.GetValue<long>();

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
