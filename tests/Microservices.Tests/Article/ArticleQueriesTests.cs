using System.Net.Http.Json;

namespace Microservices.Tests.Article;

/// <summary>
/// The five queries of the article, each through the real API, each counted at the DynamoDB client: one request.
/// </summary>
public sealed class ArticleQueriesTests(DynamoDbLocalFixture dynamo) : IAsyncLifetime
{
    private CatalogApi _catalogApi = null!;
    private ClientsApi _clientsApi = null!;
    private ApiClient _catalog = null!;
    private HttpClient _clients = null!;
    private string _authorId = "";

    public async ValueTask InitializeAsync()
    {
        var tables = await dynamo.CreateTablesAsync("article");
        _catalogApi = new CatalogApi(tables);
        _clientsApi = new ClientsApi(tables);
        _catalog = new ApiClient(_catalogApi.CreateClient());
        _clients = _clientsApi.CreateClient();
        (_authorId, _) = await _catalog.RegisterAuthorAsync("Frank Herbert");
        foreach (var title in new[] { "Dune Messiah", "Children of Dune", "Dune", "The Dosadi Experiment", "Whipping Star" })
        {
            await _catalog.AddBookAsync(_authorId, title, "science-fiction", 9.99m);
        }

        using var created = await _clients.PostAsJsonAsync(
            "/clients",
            new { name = "Malin Persson", email = "malin@example.se", phones = new Dictionary<string, string> { ["mobile"] = "070-123 45 67", ["home"] = "040-12 34 56" } },
            TestContext.Current.CancellationToken);
        created.EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        _clients.Dispose();
        await _clientsApi.DisposeAsync();
        await _catalogApi.DisposeAsync();
    }

    [Fact]
    public async Task Querying_for_Malin_Persson_returns_her_full_details_including_her_numbers_in_one_request()
    {
        var requests = _clientsApi.Requests;
        requests.Clear();

        var found = (await _clients.GetFromJsonAsync<JsonArray>("/clients?name=Malin%20Persson", TestContext.Current.CancellationToken))!;

        var malin = Assert.Single(found)!;
        Assert.Equal("malin@example.se", malin["email"]!.GetValue<string>());
        Assert.Equal("070-123 45 67", malin["phones"]!["mobile"]!.GetValue<string>());
        Assert.Equal(["Query"], requests.Operations);
    }

    [Fact]
    public async Task An_author_and_all_their_books_come_back_in_one_request()
    {
        var requests = _catalogApi.Requests;
        requests.Clear();

        var author = await _catalog.GetAsync($"/authors/{_authorId}");

        Assert.Equal("Frank Herbert", author["name"]!.GetValue<string>());
        Assert.Equal(5, author["books"]!.AsArray().Count);
        Assert.Equal(["Query"], requests.Operations);
    }

    [Fact]
    public async Task A_specific_book_is_found_by_its_title_in_one_request()
    {
        var requests = _catalogApi.Requests;
        requests.Clear();

        var book = await _catalog.GetAsync($"/authors/{_authorId}/books/by-title/{Uri.EscapeDataString("Dune Messiah")}");

        Assert.Equal("Dune Messiah", book["title"]!.GetValue<string>());
        Assert.Equal(["GetItem"], requests.Operations);
    }

    [Fact]
    public async Task An_authors_books_come_back_sorted_by_title_in_one_request()
    {
        var requests = _catalogApi.Requests;
        requests.Clear();

        var books = await _catalog.GetAsync($"/authors/{_authorId}/books");

        Assert.Equal(["Children of Dune", "Dune", "Dune Messiah", "The Dosadi Experiment", "Whipping Star"], CatalogCalls.Titles(books));
        Assert.Equal(["Query"], requests.Operations);
    }

    [Fact]
    public async Task Books_starting_with_a_letter_come_back_in_one_request()
    {
        var requests = _catalogApi.Requests;
        requests.Clear();

        var books = await _catalog.GetAsync($"/authors/{_authorId}/books?startsWith=D");

        Assert.Equal(["Dune", "Dune Messiah"], CatalogCalls.Titles(books));
        Assert.Equal(["Query"], requests.Operations);
    }
}
