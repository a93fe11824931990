using System.Globalization;
using System.Net.Http.Json;
using Microservices.Tests.Orders;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Microservices.Tests.Idempotency;

/// <summary>
/// Every create of every service behaves as the IETF Idempotency-Key draft has it: a replay is the first status and
/// body marked <c>Idempotent-Replayed: true</c>, another body with the key is a 422, the key while its first request
/// is in progress is a 409. The in-progress case is made deterministic by writing the in-progress item directly.
/// </summary>
public sealed class IdempotencyTests(DynamoDbLocalFixture dynamo) : IAsyncLifetime
{
    public static TheoryData<string> Services => new() { "catalog", "clients", "orders" };

    private readonly List<IDisposable> _apis = [];
    private DynamoDbOptions _tables = null!;
    private ClientSource _clients = null!;
    private string _clientId = null!;
    private string _authorId = null!;

    public async ValueTask InitializeAsync()
    {
        _tables = await dynamo.CreateTablesAsync("idempotency");
        _clients = new ClientSource(_tables);
        _clientId = await _clients.RegisterAsync("Idem Potent", "idem@example.se");
        _authorId = Ids.New();
        await OrderSources.WriteBookAsync(_tables, _authorId, "Dune", 10m);
    }

    public async ValueTask DisposeAsync()
    {
        _apis.ForEach(api => api.Dispose());
        await _clients.DisposeAsync();
    }

    [Theory]
    [MemberData(nameof(Services))]
    public async Task A_replay_returns_the_first_status_and_body_marked_as_a_replay(string service)
    {
        var (http, path, body, _) = Create(service);
        var key = Guid.NewGuid().ToString();

        using var first = await PostAsync(http, path, body, key);
        using var replay = await PostAsync(http, path, body, key);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.Equal(["true"], replay.Headers.GetValues("Idempotent-Replayed"));
        Assert.Equal(await TextAsync(first), await TextAsync(replay));
    }

    [Theory]
    [MemberData(nameof(Services))]
    public async Task The_same_key_with_another_body_is_422_and_creates_nothing(string service)
    {
        var (http, path, body, other) = Create(service);
        var key = Guid.NewGuid().ToString();
        using var first = await PostAsync(http, path, body, key);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var items = await ItemCountAsync();

        using var reused = await PostAsync(http, path, other, key);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
        Assert.Contains(key, await TextAsync(reused), StringComparison.Ordinal);
        Assert.Equal(items, await ItemCountAsync());
    }

    [Theory]
    [MemberData(nameof(Services))]
    public async Task The_same_key_while_its_first_request_is_in_progress_is_409(string service)
    {
        var (http, path, body, _) = Create(service);
        var key = Guid.NewGuid().ToString();
        await WriteInProgressAsync(service, key, DateTimeOffset.UtcNow.AddMinutes(5));

        using var meanwhile = await PostAsync(http, path, body, key);

        Assert.Equal(HttpStatusCode.Conflict, meanwhile.StatusCode);
        Assert.Contains("in progress", await TextAsync(meanwhile), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_whose_first_request_gave_up_is_taken_over_and_completed()
    {
        var (http, path, body, _) = Create("catalog");
        var key = Guid.NewGuid().ToString();
        await WriteInProgressAsync("catalog", key, DateTimeOffset.UtcNow.AddMinutes(-1));

        using var created = await PostAsync(http, path, body, key);
        using var replay = await PostAsync(http, path, body, key);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(["true"], replay.Headers.GetValues("Idempotent-Replayed"));
        var stored = await OrderSources.GetAsync(_tables, Keys.Idempotency("catalog", key));
        Assert.Equal(IdempotentCreates.Completed, stored![Attributes.IdempotencyState].S);
    }

    [Fact]
    public async Task A_create_that_fails_releases_its_key_so_a_retry_runs_it()
    {
        var (http, _, _, _) = Create("catalog");
        var key = Guid.NewGuid().ToString();
        var unknownAuthor = Ids.New();
        var book = new { title = "Orphan", genre = "fantasy", price = 1m };

        using var failed = await PostAsync(http, $"/authors/{unknownAuthor}/books", book, key);

        Assert.Equal(HttpStatusCode.NotFound, failed.StatusCode);
        Assert.Null(await OrderSources.GetAsync(_tables, Keys.Idempotency("catalog", key)));
    }

    [Theory]
    [MemberData(nameof(Services))]
    public async Task A_key_of_more_than_100_characters_is_400_naming_the_header(string service)
    {
        var (http, path, body, _) = Create(service);

        using var response = await PostAsync(http, path, body, new string('k', 101));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(JsonNode.Parse(await TextAsync(response))!["errors"]!["Idempotency-Key"]);
    }

    [Theory]
    [MemberData(nameof(Services))]
    public async Task The_service_serves_health_its_API_reference_and_its_OpenAPI_document(string service)
    {
        var (http, path, _, _) = Create(service);

        Assert.Equal("Healthy", await http.GetStringAsync("/health", TestContext.Current.CancellationToken));
        using var scalar = await http.GetAsync("/scalar", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, scalar.StatusCode);
        var document = JsonNode.Parse(await http.GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken))!;
        var template = path.Replace(_clientId, "{clientId}", StringComparison.Ordinal);
        Assert.Contains(document["paths"]![template]!["post"]!["parameters"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "Idempotency-Key");
    }

    private (HttpClient Http, string Path, object Body, object OtherBody) Create(string service)
    {
        switch (service)
        {
            case "catalog":
                return (Start(new CatalogApi(_tables)), "/authors", new { name = "Keyed Author" }, new { name = "Another Author" });
            case "clients":
                return (Start(new ClientsApi(_tables)), "/clients",
                    new { name = "Keyed Client", email = "keyed@example.se", phones = new Dictionary<string, string> { ["mobile"] = "070 1", ["home"] = "040 2" } },
                    new { name = "Keyed Client", email = "other@example.se" });
            default:
                return (Start(new OrdersApi(_tables)), $"/clients/{_clientId}/orders",
                    new { lines = new[] { new { authorId = _authorId, title = "Dune", quantity = 1 } } },
                    new { lines = new[] { new { authorId = _authorId, title = "Dune", quantity = 2 } } });
        }
    }

    private HttpClient Start<T>(WebApplicationFactory<T> api)
        where T : class
    {
        _apis.Add(api);
        return api.CreateClient();
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, string path, object body, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, body.GetType()) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        return await http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private static Task<string> TextAsync(HttpResponseMessage response) =>
        response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

    private async Task WriteInProgressAsync(string service, string key, DateTimeOffset lockedUntil)
    {
        using var client = DynamoDbLocalFixture.CreateClient(_tables);
        var itemKey = Keys.Idempotency(service, key);
        await client.PutItemAsync(new PutItemRequest
        {
            TableName = _tables.TableName,
            Item = new()
            {
                [Attributes.PK] = new(itemKey.PK),
                [Attributes.SK] = new(itemKey.SK),
                [Attributes.ItemType] = new(ItemTypes.Idempotency),
                [Attributes.RequestHash] = new("a request still running elsewhere"),
                [Attributes.IdempotencyState] = new(IdempotentCreates.InProgress),
                [Attributes.LockToken] = new(Ids.New()),
                [Attributes.LockedUntil] = new(lockedUntil.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)),
            },
        }, TestContext.Current.CancellationToken);
    }

    private async Task<int> ItemCountAsync()
    {
        using var client = DynamoDbLocalFixture.CreateClient(_tables);
        return await client.ScanAllAsync(new ScanRequest { TableName = _tables.TableName }, TestContext.Current.CancellationToken)
            .CountAsync(TestContext.Current.CancellationToken);
    }
}
