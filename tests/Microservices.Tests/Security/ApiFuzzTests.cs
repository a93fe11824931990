using System.Collections.Concurrent;
using Catalog.Worker;
using CsCheck;
using Microservices.Tests.Security.Fuzz;
using Orders.Worker;

namespace Microservices.Tests.Security;

/// <summary>
/// The fuzz suite: requests generated from the three services' own OpenAPI documents (<see cref="FuzzRequests"/>),
/// sent as every kind of caller to all three APIs on one table with the real workers behind them. Every answer is
/// below 500, every 4xx a ProblemDetails, nobody without a valid token is answered with data, and no answer to one
/// client (or to a stranger) holds anything of another client's. Afterwards the victim's items are exactly as seeded
/// and <c>ops check</c> finds the table consistent. A failure prints the smallest request CsCheck could shrink it to,
/// with the seed that makes it again (the CsCheck_Seed environment variable).
/// </summary>
[TakesAbout(120)]
public sealed class ApiFuzzTests(DynamoDbLocalFixture dynamo, RabbitMqFixture rabbit) : IAsyncLifetime
{
    /// <summary>Requests in the test command; <c>FUZZ_REQUESTS</c> sends more.</summary>
    private static readonly int Requests = int.TryParse(Environment.GetEnvironmentVariable("FUZZ_REQUESTS"), out var requests) ? requests : 10_000;

    private DynamoDbOptions _tables = null!;
    private CatalogApi _catalog = null!;
    private ClientsApi _clients = null!;
    private OrdersApi _orders = null!;
    private IHost _worker = null!;

    public async ValueTask InitializeAsync()
    {
        _tables = await dynamo.CreateTablesAsync("fuzz");
        // A new table, at the latest model, as the one-command run and the bootstrap make one.
        using (var client = DynamoDbLocalFixture.CreateClient(_tables))
        {
            await Microservices.Schema.Migrations.TableMigrations.StartAtLatestAsync(client, _tables, Cancel);
        }

        _catalog = new CatalogApi(_tables);
        _clients = new ClientsApi(_tables);
        _orders = new OrdersApi(_tables);
        _worker = await WorkerHost.StartAsync(_tables, await rabbit.NewVirtualHostAsync("fuzz"), bus =>
        {
            bus.AddCatalogProjections();
            bus.AddOrderProjections();
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _worker.StopAsync(CancellationToken.None);
        _worker.Dispose();
        await _catalog.DisposeAsync();
        await _clients.DisposeAsync();
        await _orders.DisposeAsync();
    }

    [Fact]
    public async Task Generated_requests_get_no_5xx_only_problem_details_for_4xx_and_never_another_clients_data()
    {
        var pool = await SeedAsync();
        // The seed's copies and aggregates (the victim's order stats among them) are written by the worker, later:
        // the victim's items are taken once the check finds every one of them, so only the fuzz can change them after.
        await Eventually.Until(() => OpsTool.RunAsync(_tables, "check"), check => check.ExitCode == 0, TimeSpan.FromMinutes(2), "ops check to find the seeded table consistent");
        var victimBefore = await VictimItemsAsync(pool.Victim);
        var operations = new List<Operation>();
        var senders = new Dictionary<string, HttpClient>(StringComparer.Ordinal);
        var routes = 0;
        foreach (var (service, http, services) in new[] { ("catalog", _catalog.CreateClient(), _catalog.Services), ("clients", _clients.CreateClient(), _clients.Services), ("orders", _orders.CreateClient(), _orders.Services) })
        {
            operations.AddRange(OpenApiOperations.Read(service, JsonNode.Parse(await http.GetStringAsync("/openapi/v1.json", Cancel))!));
            senders[service] = http.As(null);
            routes += Routes(services);
        }

        // Every route of the three APIs is in their documents, so every route is fuzzed.
        Assert.Equal(routes, operations.Count);
        var statuses = new ConcurrentDictionary<int, int>();
        var sent = 0;

        await FuzzRequests.For(operations, pool).SampleAsync(async request =>
        {
            using var message = request.ToMessage(pool);
            using var response = await senders[request.Operation.Service].SendAsync(message, Cancel);
            var body = await response.Content.ReadAsStringAsync(Cancel);
            var status = (int)response.StatusCode;
            statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            Interlocked.Increment(ref sent);

            Assert.True(status < 500, $"{status}: {body}");
            if (status >= 400)
            {
                Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", $"{status} without a ProblemDetails: [{response.Content.Headers.ContentType}] {body}");
                Assert.Equal(status, JsonNode.Parse(body)!["status"]!.GetValue<int>());
            }

            if (FuzzCallers.IsUnauthenticated(request.Caller))
            {
                Assert.True(status >= 400, $"{request.Caller} was answered {status}: {body}");
            }

            // The victim's data to anyone but staff; the caller's to anyone but staff and the caller.
            var forbidden = request.Caller switch
            {
                FuzzCallers.Staff => [],
                FuzzCallers.Caller => pool.Victim.Secrets,
                _ => [.. pool.Victim.Secrets, .. pool.Caller.Secrets],
            };
            var seen = forbidden.FirstOrDefault(secret => body.Contains(secret, StringComparison.Ordinal)
                || body.Contains(System.Text.Json.JsonEncodedText.Encode(secret).ToString(), StringComparison.Ordinal));
            Assert.True(seen is null, $"{request.Caller} was shown '{seen}': {body}");

            if (status == 200 && body.Length > 0 && JsonNode.Parse(body) is JsonObject { } page && page["nextCursor"]?.GetValue<string>() is { } cursor)
            {
                pool.Remember(request.Caller, cursor);
            }
        }, iter: Requests, threads: 4, print: request => request.ToString());

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{sent} requests: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"))}");
        Assert.True(sent >= Requests, $"{sent} requests sent");
        // Enough requests got past validation to reach DynamoDB, and enough were refused for each reason.
        Assert.True(statuses.GetValueOrDefault(200) + statuses.GetValueOrDefault(201) >= Requests / 20, "too few requests were valid");
        Assert.True(statuses.GetValueOrDefault(401) >= Requests / 20, "too few requests were unauthenticated");

        Assert.Equal(victimBefore, await VictimItemsAsync(pool.Victim));
        await Eventually.Until(() => OpsTool.RunAsync(_tables, "check"), check => check.ExitCode == 0, TimeSpan.FromMinutes(2), "ops check to find the table consistent");
    }

    /// <summary>
    /// Two authors with books, the client the fuzz acts as and the victim, each with two orders placed with their own
    /// token (two, so that each has a cursor to hand out), and the victim's cursor in the pool for the others to try.
    /// </summary>
    private async Task<FuzzPool> SeedAsync()
    {
        var catalog = _catalog.Client();
        var authors = new List<string>();
        var books = new List<string>();
        string[] titles = ["Dune", "Dune Messiah", "Moominsummer Madness", "Comet in Moominland"];
        foreach (var (name, genre, first, second) in new[] { ("Frank Herbert", "science-fiction", titles[0], titles[1]), ("Tove Jansson", "children", titles[2], titles[3]) })
        {
            var author = (await catalog.SendAsync(HttpMethod.Post, "/authors", new { name }, HttpStatusCode.Created))["authorId"]!.GetValue<string>();
            authors.Add(author);
            foreach (var title in new[] { first, second })
            {
                var book = await catalog.SendAsync(HttpMethod.Post, $"/authors/{author}/books", new { title, genre, price = 9.5m }, HttpStatusCode.Created);
                books.Add(book["bookId"]!.GetValue<string>());
            }
        }

        var caller = await ClientAsync("Malin Persson", "malin@example.se", "+46 70 111 22 33", "Storgatan 1", authors[0], titles[0]);
        var victim = await ClientAsync("Sven Hemlig", "sven.hemlig@example.se", "+46 70 999 88 77", "Hemliga gränd 7", authors[1], titles[2]);
        var pool = new FuzzPool
        {
            AuthorIds = authors,
            BookIds = books,
            Titles = titles,
            Genres = ["science-fiction", "children"],
            Caller = caller,
            Victim = victim,
        };
        foreach (var (name, client) in new[] { (FuzzCallers.Caller, caller), (FuzzCallers.Victim, victim) })
        {
            var own = new ApiClient(_orders.CreateClient().As(FuzzCallers.Token(name, pool)));
            var page = await own.GetAsync($"/clients/{client.ClientId}/orders?limit=1");
            pool.Remember(name, page["nextCursor"]!.GetValue<string>());
        }

        return pool;
    }

    private async Task<FuzzClient> ClientAsync(string name, string email, string phone, string street, string authorId, string title)
    {
        var clients = _clients.Client();
        var clientId = (await clients.SendAsync(HttpMethod.Post, "/clients", new { name, email, phones = new { mobile = phone } }, HttpStatusCode.Created))["clientId"]!.GetValue<string>();
        await clients.SendAsync(HttpMethod.Post, $"/clients/{clientId}/addresses",
            new { street, city = "Uppsala", postalCode = "753 20", country = "SE", expectedVersion = 1 }, HttpStatusCode.Created);
        var own = new ApiClient(_orders.CreateClient().As(TestTokens.Client(clientId)));
        var orders = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var placed = await own.SendAsync(HttpMethod.Post, $"/clients/{clientId}/orders", new { lines = new[] { new { authorId, title, quantity = 1 } } }, HttpStatusCode.Created);
            orders.Add(placed["orderId"]!.GetValue<string>());
        }

        return new FuzzClient(clientId, orders, [email, phone, street, name]);
    }

    /// <summary>The victim's items (its client item, addresses, orders and their lines, its events), as JSON, sorted by key.</summary>
    private async Task<IReadOnlyList<string>> VictimItemsAsync(FuzzClient victim) =>
        [.. (await TableItems.AllAsync(_tables))
            .Where(item => item[Attributes.PK].S is var pk && (pk.Contains(victim.ClientId, StringComparison.Ordinal) || victim.OrderIds.Any(o => pk.Contains(o, StringComparison.Ordinal))))
            .Select(item => System.Text.Json.JsonSerializer.Serialize(item.OrderBy(a => a.Key, StringComparer.Ordinal).ToDictionary(a => a.Key, a => Describe(a.Value))))
            .Order(StringComparer.Ordinal)];

    private static string Describe(AttributeValue value) =>
        value.S ?? value.N ?? (value.M is { } map ? string.Join(";", map.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => $"{m.Key}={Describe(m.Value)}")) : value.BOOL?.ToString() ?? "?");

    /// <summary>The service's routes, a method each, besides health, the OpenAPI document and the API page.</summary>
    private static int Routes(IServiceProvider services) =>
        services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints
            .OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } route && !route.StartsWith("/health", StringComparison.Ordinal)
                && !route.StartsWith("/openapi", StringComparison.Ordinal) && !route.StartsWith("/scalar", StringComparison.Ordinal))
            .Sum(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods.Count ?? 0);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;
}
