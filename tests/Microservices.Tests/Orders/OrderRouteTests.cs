using static Microservices.Tests.Orders.OrderCalls;

namespace Microservices.Tests.Orders;

/// <summary>Every Orders route against the real service on DynamoDB Local, including its 400, 404 and 409 answers.</summary>
[TakesAbout(30)]
public sealed class OrderRouteTests(DynamoDbLocalFixture dynamo) : OrdersTest(dynamo, "orders")
{
    private static readonly string AuthorId = Ids.New();

    private string _clientId = null!;
    private string _duneId = null!;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _clientId = await Clients.RegisterAsync("Malin Persson", "malin@example.se");
        _duneId = (await OrderSources.WriteBookAsync(Tables, AuthorId, "Dune", 10.99m)).BookId;
        await OrderSources.WriteBookAsync(Tables, AuthorId, "Dune Messiah", 9.99m);
    }

    [Fact]
    public async Task Placing_an_order_returns_201_and_stores_lines_with_the_books_title_and_price()
    {
        var (orderId, version, total) = await Http.PlaceAsync(_clientId,
            Line(AuthorId, bookId: _duneId, quantity: 2), Line(AuthorId, title: "Dune Messiah"));

        Assert.Equal(1, version);
        Assert.Equal(31.97m, total);
        var order = await Http.GetAsync($"/clients/{_clientId}/orders/{orderId}");
        Assert.Equal("placed", order["order"]!["status"]!.GetValue<string>());
        Assert.Equal("Malin Persson", order["order"]!["clientName"]!.GetValue<string>());
        Assert.Equal("malin@example.se", order["order"]!["clientEmail"]!.GetValue<string>());
        var lines = order["lines"]!.AsArray();
        Assert.Equal(["Dune", "Dune Messiah"], lines.Select(l => l!["title"]!.GetValue<string>()));
        Assert.Equal([10.99m, 9.99m], lines.Select(l => l!["price"]!.GetValue<decimal>()));
        Assert.Equal([2, 1], lines.Select(l => l!["quantity"]!.GetValue<int>()));
    }

    [Fact]
    public async Task An_order_of_books_priced_in_two_currencies_is_a_409_naming_them_and_writes_nothing()
    {
        await OrderSources.WriteBookAsync(Tables, AuthorId, "Dune (US edition)", 14.99m, currency: "USD");
        Api.Requests.Clear();

        var problem = await Http.SendAsync(HttpMethod.Post, $"/clients/{_clientId}/orders",
            new { lines = new[] { Line(AuthorId, title: "Dune"), Line(AuthorId, title: "Dune (US edition)") } }, HttpStatusCode.Conflict);

        Assert.Contains("EUR and USD", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("TransactWriteItems", Api.Requests.Operations);
    }

    [Fact]
    public async Task Placing_reads_the_client_and_books_by_title_in_one_batch_and_writes_in_one_transaction()
    {
        Api.Requests.Clear();

        await Http.PlaceAsync(_clientId, Line(AuthorId, title: "Dune"), Line(AuthorId, title: "Dune Messiah", quantity: 3));

        Assert.Equal(["BatchGetItem", "TransactWriteItems"], Api.Requests.Operations);
    }

    [Fact]
    public async Task Books_named_by_id_cost_one_query_per_author_besides_the_batch()
    {
        var otherAuthor = Ids.New();
        var other = await OrderSources.WriteBookAsync(Tables, otherAuthor, "The Dispossessed", 11.50m);
        Api.Requests.Clear();

        await Http.PlaceAsync(_clientId, Line(AuthorId, bookId: _duneId), Line(otherAuthor, bookId: other.BookId), Line(AuthorId, title: "Dune Messiah"));

        Assert.Equal(["BatchGetItem", "Query", "Query", "TransactWriteItems"], Api.Requests.Operations);
    }

    [Fact]
    public async Task An_order_with_its_lines_is_one_query()
    {
        var (orderId, _, _) = await Http.PlaceAsync(_clientId, Line(AuthorId, title: "Dune"), Line(AuthorId, title: "Dune Messiah"));
        Api.Requests.Clear();

        var order = await Http.GetAsync($"/clients/{_clientId}/orders/{orderId}");

        Assert.Equal(["Query"], Api.Requests.Operations);
        Assert.Equal(2, order["lines"]!.AsArray().Count);
    }

    [Fact]
    public async Task A_line_keeps_the_title_and_price_it_was_ordered_at_after_the_book_changes()
    {
        var book = await OrderSources.WriteBookAsync(Tables, AuthorId, "The Left Hand of Darkness", 11.50m);
        var (orderId, _, _) = await Http.PlaceAsync(_clientId, Line(AuthorId, bookId: book.BookId));

        // The catalog changes the book (a new price, a new version) behind Orders' back.
        await OrderSources.WriteBookAsync(Tables, AuthorId, book.Title, 14.00m, book.BookId, version: 2);

        var line = (await Http.GetAsync($"/clients/{_clientId}/orders/{orderId}"))["lines"]![0]!;
        Assert.Equal(11.50m, line["price"]!.GetValue<decimal>());
        Assert.Equal("The Left Hand of Darkness", line["title"]!.GetValue<string>());
        var (later, _, total) = await Http.PlaceAsync(_clientId, Line(AuthorId, bookId: book.BookId));
        Assert.Equal(14.00m, total);
        Assert.NotEqual(orderId, later);
    }

    [Fact]
    public async Task A_clients_orders_are_listed_newest_first_without_lines_a_page_at_a_time()
    {
        var clientId = await Clients.RegisterAsync("Frank Herbert", "frank@example.com");
        var placed = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            placed.Add((await Http.PlaceAsync(clientId, Line(AuthorId, title: "Dune"), Line(AuthorId, title: "Dune Messiah"))).OrderId);
        }

        var first = await Http.GetAsync($"/clients/{clientId}/orders?limit=2");
        var second = await Http.GetAsync($"/clients/{clientId}/orders?limit=2&cursor={first["nextCursor"]!.GetValue<string>()}");

        Assert.Equal([placed[2], placed[1]], first["items"]!.AsArray().Select(o => o!["orderId"]!.GetValue<string>()));
        Assert.Equal([placed[0]], second["items"]!.AsArray().Select(o => o!["orderId"]!.GetValue<string>()));
        Assert.Null(second["nextCursor"]);
        var all = await Http.GetAsync($"/clients/{clientId}/orders");
        Assert.Equal(3, all["items"]!.AsArray().Count);
        Assert.All(all["items"]!.AsArray(), o => Assert.Null(o!["lines"]));
    }

    [Fact]
    public async Task Orders_are_listed_by_status_and_move_with_each_change()
    {
        var clientId = await Clients.RegisterAsync("Astrid Lindgren", "astrid@example.se");
        var (paid, _, _) = await Http.PlaceAsync(clientId, Line(AuthorId, title: "Dune"));
        var (shipped, _, _) = await Http.PlaceAsync(clientId, Line(AuthorId, title: "Dune"));
        var (cancelled, _, _) = await Http.PlaceAsync(clientId, Line(AuthorId, title: "Dune"));
        await Http.ChangeAsync(clientId, paid, "pay", 1);
        await Http.ChangeAsync(clientId, shipped, "ship", await Http.ChangeAsync(clientId, shipped, "pay", 1));
        await Http.ChangeAsync(clientId, cancelled, "cancel", 1);

        Assert.Contains(paid, await IdsWithStatusAsync("paid"));
        Assert.DoesNotContain(paid, await IdsWithStatusAsync("placed"));
        Assert.Contains(shipped, await IdsWithStatusAsync("shipped"));
        Assert.DoesNotContain(shipped, await IdsWithStatusAsync("paid"));
        Assert.Contains(cancelled, await IdsWithStatusAsync("cancelled"));
        Assert.DoesNotContain(cancelled, await IdsWithStatusAsync("placed"));
    }

    [Fact]
    public async Task Orders_by_status_come_oldest_first_a_page_at_a_time()
    {
        var clientId = await Clients.RegisterAsync("Selma Lagerlöf", "selma@example.se");
        var (older, _, _) = await Http.PlaceAsync(clientId, Line(AuthorId, title: "Dune"));
        var (newer, _, _) = await Http.PlaceAsync(clientId, Line(AuthorId, title: "Dune"));
        await Http.ChangeAsync(clientId, older, "pay", 1);
        await Http.ChangeAsync(clientId, newer, "pay", 1);
        await Http.ChangeAsync(clientId, older, "ship", 2);
        await Http.ChangeAsync(clientId, newer, "ship", 2);

        var first = await Http.GetAsync("/orders?status=shipped&limit=1");
        var second = await Http.GetAsync($"/orders?status=shipped&limit=1&cursor={first["nextCursor"]!.GetValue<string>()}");

        Assert.Equal(older, first["items"]![0]!["orderId"]!.GetValue<string>());
        Assert.Equal(newer, second["items"]![0]!["orderId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Paying_shipping_and_cancelling_with_the_current_version_return_the_next_version()
    {
        var (orderId, _, _) = await Http.PlaceAsync(_clientId, Line(AuthorId, title: "Dune"));

        Assert.Equal(2, await Http.ChangeAsync(_clientId, orderId, "pay", 1));
        Assert.Equal(3, await Http.ChangeAsync(_clientId, orderId, "ship", 2));
        var order = await Http.GetAsync($"/clients/{_clientId}/orders/{orderId}");
        Assert.Equal("shipped", order["order"]!["status"]!.GetValue<string>());
        Assert.Equal(3, order["order"]!["version"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_stale_expected_version_returns_409_with_the_current_version()
    {
        var (orderId, _, _) = await Http.PlaceAsync(_clientId, Line(AuthorId, title: "Dune"));
        await Http.ChangeAsync(_clientId, orderId, "pay", 1);

        var problem = await Http.SendAsync(HttpMethod.Post, $"/clients/{_clientId}/orders/{orderId}/cancel", new { expectedVersion = 1 }, HttpStatusCode.Conflict);

        Assert.Equal(2, problem["currentVersion"]!.GetValue<long>());
        Assert.Equal("paid", (await Http.GetAsync($"/clients/{_clientId}/orders/{orderId}"))["order"]!["status"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("ship")]
    public async Task An_illegal_transition_returns_409_and_changes_nothing(string verb)
    {
        var (orderId, _, _) = await Http.PlaceAsync(_clientId, Line(AuthorId, title: "Dune"));

        var problem = await Http.SendAsync(HttpMethod.Post, $"/clients/{_clientId}/orders/{orderId}/{verb}", new { expectedVersion = 1 }, HttpStatusCode.Conflict);

        Assert.Contains("placed", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(problem["currentVersion"]);
        var order = (await Http.GetAsync($"/clients/{_clientId}/orders/{orderId}"))["order"]!;
        Assert.Equal(("placed", 1L), (order["status"]!.GetValue<string>(), order["version"]!.GetValue<long>()));
    }

    [Fact]
    public async Task Of_two_concurrent_changes_from_the_same_version_one_wins_and_the_other_gets_409()
    {
        var (orderId, _, _) = await Http.PlaceAsync(_clientId, Line(AuthorId, title: "Dune"));

        var answers = await Task.WhenAll(
            Send($"/clients/{_clientId}/orders/{orderId}/pay"),
            Send($"/clients/{_clientId}/orders/{orderId}/cancel"));

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], answers.Order());
        Assert.Equal(2, (await Http.GetAsync($"/clients/{_clientId}/orders/{orderId}"))["order"]!["version"]!.GetValue<long>());

        async Task<HttpStatusCode> Send(string path)
        {
            using var response = await Http.Http.PostAsync(path, System.Net.Http.Json.JsonContent.Create(new { expectedVersion = 1 }), TestContext.Current.CancellationToken);
            return response.StatusCode;
        }
    }

    [Fact]
    public async Task Two_concurrent_creates_with_the_same_idempotency_key_make_one_order()
    {
        var clientId = await Clients.RegisterAsync("Impatient Client", "again@example.com");

        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/clients/{clientId}/orders")
            {
                Content = System.Net.Http.Json.JsonContent.Create(new { lines = new[] { Line(AuthorId, title: "Dune") } }),
            };
            request.Headers.Add("Idempotency-Key", "double-click");
            using var response = await Http.Http.SendAsync(request, TestContext.Current.CancellationToken);
            var body = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
            return (response.StatusCode, OrderId: body["orderId"]?.GetValue<string>());
        }));

        // The first takes the key; the others find it in progress (409) or completed (201, replayed, the same order).
        Assert.Contains(answers, a => a.StatusCode == HttpStatusCode.Created);
        Assert.All(answers, a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict }));
        Assert.Single(answers.Where(a => a.StatusCode == HttpStatusCode.Created).Select(a => a.OrderId).Distinct());
        Assert.Single((await Http.GetAsync($"/clients/{clientId}/orders"))["items"]!.AsArray());
    }

    [Fact]
    public async Task A_cancelled_order_cannot_be_paid()
    {
        var (orderId, _, _) = await Http.PlaceAsync(_clientId, Line(AuthorId, title: "Dune"));
        await Http.ChangeAsync(_clientId, orderId, "cancel", 1);

        await Http.SendAsync(HttpMethod.Post, $"/clients/{_clientId}/orders/{orderId}/pay", new { expectedVersion = 2 }, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Unknown_clients_books_and_orders_return_404()
    {
        var nobody = Ids.New();
        await Http.SendAsync(HttpMethod.Post, $"/clients/{nobody}/orders", new { lines = new[] { Line(AuthorId, title: "Dune") } }, HttpStatusCode.NotFound);
        await Http.SendAsync(HttpMethod.Post, $"/clients/{_clientId}/orders", new { lines = new[] { Line(AuthorId, title: "No Such Book") } }, HttpStatusCode.NotFound);
        await Http.SendAsync(HttpMethod.Post, $"/clients/{_clientId}/orders", new { lines = new[] { Line(AuthorId, bookId: Ids.New()) } }, HttpStatusCode.NotFound);
        await Http.GetAsync($"/clients/{_clientId}/orders/{Ids.New()}", HttpStatusCode.NotFound);
        await Http.GetAsync($"/clients/{_clientId}/orders/not-an-id", HttpStatusCode.NotFound);
        await Http.SendAsync(HttpMethod.Post, $"/clients/{_clientId}/orders/{Ids.New()}/pay", new { expectedVersion = 1 }, HttpStatusCode.NotFound);

        // Another client's order is not at this client's address.
        var (orderId, _, _) = await Http.PlaceAsync(_clientId, Line(AuthorId, title: "Dune"));
        var other = await Clients.RegisterAsync("Someone Else", "else@example.com");
        await Http.SendAsync(HttpMethod.Post, $"/clients/{other}/orders/{orderId}/pay", new { expectedVersion = 1 }, HttpStatusCode.NotFound);
        await Http.GetAsync($"/clients/{other}/orders/{orderId}", HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("{}", "lines")]
    [InlineData("{\"lines\":[]}", "lines")]
    [InlineData("{\"lines\":[null]}", "lines[0]")]
    [InlineData("{\"lines\":[{\"title\":\"Dune\",\"quantity\":1}]}", "lines[0].authorId")]
    [InlineData("{\"lines\":[{\"authorId\":\"AUTHOR\",\"quantity\":1}]}", "lines[0].bookId")]
    [InlineData("{\"lines\":[{\"authorId\":\"AUTHOR\",\"title\":\"Dune\"}]}", "lines[0].quantity")]
    [InlineData("{\"lines\":[{\"authorId\":\"AUTHOR\",\"title\":\"Dune\",\"quantity\":0}]}", "lines[0].quantity")]
    [InlineData("{\"lines\":[{\"authorId\":\"AUTHOR\",\"title\":\" Dune\",\"quantity\":1}]}", "lines[0].title")]
    [InlineData("{\"lines\":[{\"authorId\":\"AUTHOR\",\"bookId\":\"nope\",\"quantity\":1}]}", "lines[0].bookId")]
    [InlineData("{\"lines\":[{\"authorId\":\"AUTHOR\",\"title\":\"Dune\",\"quantity\":\"two\"}]}", "lines[0].quantity")]
    public async Task Placing_with_bad_input_returns_400_naming_the_field(string json, string field)
    {
        var problem = await Http.SendRawAsync(HttpMethod.Post, $"/clients/{_clientId}/orders", json.Replace("AUTHOR", AuthorId, StringComparison.Ordinal), HttpStatusCode.BadRequest);

        Assert.True(problem["errors"]![field] is not null, $"expected an error for {field}: {problem.ToJsonString()}");
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"expectedVersion\":0}")]
    [InlineData("{\"expectedVersion\":\"one\"}")]
    public async Task Changing_status_with_bad_input_returns_400_naming_expectedVersion(string json)
    {
        var (orderId, _, _) = await Http.PlaceAsync(_clientId, Line(AuthorId, title: "Dune"));

        var problem = await Http.SendRawAsync(HttpMethod.Post, $"/clients/{_clientId}/orders/{orderId}/pay", json, HttpStatusCode.BadRequest);

        Assert.NotNull(problem["errors"]!["expectedVersion"]);
    }

    [Theory]
    [InlineData("/orders", "status")]
    [InlineData("/orders?status=lost", "status")]
    [InlineData("/orders?status=placed&limit=0", "limit")]
    [InlineData("/orders?status=placed&cursor=garbage", "cursor")]
    [InlineData("/clients/CLIENT/orders?limit=101", "limit")]
    [InlineData("/clients/CLIENT/orders?cursor=garbage", "cursor")]
    public async Task Listing_with_bad_parameters_returns_400_naming_the_parameter(string path, string field)
    {
        var problem = await Http.GetAsync(path.Replace("CLIENT", _clientId, StringComparison.Ordinal), HttpStatusCode.BadRequest);

        Assert.NotNull(problem["errors"]![field]);
    }

    [Fact]
    public async Task A_cursor_of_one_clients_orders_is_refused_on_another_clients_list()
    {
        var clientId = await Clients.RegisterAsync("Two Orders", "two@example.se");
        await Http.PlaceAsync(clientId, Line(AuthorId, title: "Dune"));
        await Http.PlaceAsync(clientId, Line(AuthorId, title: "Dune"));
        var cursor = (await Http.GetAsync($"/clients/{clientId}/orders?limit=1"))["nextCursor"]!.GetValue<string>();

        await Http.GetAsync($"/clients/{clientId}/orders?cursor={cursor}");
        var problem = await Http.GetAsync($"/clients/{_clientId}/orders?cursor={cursor}", HttpStatusCode.BadRequest);

        Assert.NotNull(problem["errors"]!["cursor"]);
    }

    [Fact]
    public async Task An_order_holds_at_most_40_lines()
    {
        var forty = Enumerable.Range(0, 40).Select(_ => Line(AuthorId, title: "Dune")).ToArray();
        var (orderId, _, total) = await Http.PlaceAsync(_clientId, forty);
        Assert.Equal(40 * 10.99m, total);
        Assert.Equal(40, (await Http.GetAsync($"/clients/{_clientId}/orders/{orderId}"))["lines"]!.AsArray().Count);

        var problem = await Http.SendAsync(HttpMethod.Post, $"/clients/{_clientId}/orders",
            new { lines = Enumerable.Range(0, 41).Select(_ => Line(AuthorId, title: "Dune")).ToArray() }, HttpStatusCode.BadRequest);

        Assert.Contains("at most 40 lines", problem["errors"]!["lines"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cursor_for_one_status_is_refused_for_another()
    {
        var (orderId, _, _) = await Http.PlaceAsync(_clientId, Line(AuthorId, title: "Dune"));
        await Http.PlaceAsync(_clientId, Line(AuthorId, title: "Dune"));
        var page = await Http.GetAsync("/orders?status=placed&limit=1");
        Assert.NotNull(orderId);

        var problem = await Http.GetAsync($"/orders?status=paid&cursor={page["nextCursor"]!.GetValue<string>()}", HttpStatusCode.BadRequest);

        Assert.NotNull(problem["errors"]!["cursor"]);
    }

    [Fact]
    public async Task A_retried_create_with_the_same_idempotency_key_returns_the_first_order()
    {
        var clientId = await Clients.RegisterAsync("Retrying Client", "retry@example.com");
        var body = new { lines = new[] { Line(AuthorId, title: "Dune", quantity: 2) } };
        var key = ApiClient.IdempotencyKey("checkout-42");

        var first = await Http.SendAsync(HttpMethod.Post, $"/clients/{clientId}/orders", body, HttpStatusCode.Created, key);
        var retry = await Http.SendAsync(HttpMethod.Post, $"/clients/{clientId}/orders", body, HttpStatusCode.Created, key);

        Assert.Equal(first["orderId"]!.GetValue<string>(), retry["orderId"]!.GetValue<string>());
        Assert.Equal(first["total"]!.GetValue<decimal>(), retry["total"]!.GetValue<decimal>());
        Assert.Single((await Http.GetAsync($"/clients/{clientId}/orders"))["items"]!.AsArray());
        var stored = await OrderSources.GetAsync(Tables, Keys.Idempotency("orders", "checkout-42"));
        Assert.Contains(first["orderId"]!.GetValue<string>(), stored![Attributes.Response].S, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_idempotency_key_with_a_different_body_returns_422()
    {
        var key = ApiClient.IdempotencyKey("checkout-43");
        await Http.SendAsync(HttpMethod.Post, $"/clients/{_clientId}/orders", new { lines = new[] { Line(AuthorId, title: "Dune") } }, HttpStatusCode.Created, key);

        await Http.SendAsync(HttpMethod.Post, $"/clients/{_clientId}/orders",
            new { lines = new[] { Line(AuthorId, title: "Dune", quantity: 5) } }, HttpStatusCode.UnprocessableEntity, key);
    }

    [Fact]
    public async Task An_idempotency_key_with_control_characters_returns_400_naming_the_header()
    {
        var problem = await Http.SendAsync(HttpMethod.Post, $"/clients/{_clientId}/orders",
            new { lines = new[] { Line(AuthorId, title: "Dune") } }, HttpStatusCode.BadRequest, ApiClient.IdempotencyKey(" padded "));

        Assert.Contains("Idempotency-Key", ApiClient.ErrorFields(problem));
    }

    private async Task<IReadOnlyList<string>> IdsWithStatusAsync(string status)
    {
        var page = await Http.GetAsync($"/orders?status={status}&limit=100");
        return [.. page["items"]!.AsArray().Select(o => o!["orderId"]!.GetValue<string>())];
    }
}
