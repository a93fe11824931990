using Microservices.Tests.Catalog;

namespace Microservices.Tests.Messaging;

/// <summary>The one-command run's default: the same worker on MassTransit's in-memory transport, with no broker.</summary>
public sealed class InMemoryTransportTests(DynamoDbLocalFixture dynamo) : IAsyncLifetime
{
    private CatalogApi _api = null!;
    private ApiClient _catalog = null!;
    private IHost _worker = null!;

    public async ValueTask InitializeAsync()
    {
        var tables = await dynamo.CreateTablesAsync("inmemory");
        _api = new CatalogApi(tables);
        _catalog = new ApiClient(_api.CreateClient());
        _worker = await GenreWorker.StartAsync(tables, new Dictionary<string, string?> { ["Messaging:Transport"] = "InMemory" });
    }

    public async ValueTask DisposeAsync()
    {
        await _worker.StopAsync();
        _worker.Dispose();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task Copies_follow_a_new_book_and_a_rename_without_a_broker()
    {
        var (authorId, version) = await _catalog.RegisterAuthorAsync("Tove Jansson");
        await _catalog.AddBookAsync(authorId, "Comet in Moominland", "in-memory-children", 7m);
        await _catalog.RenameAuthorAsync(authorId, "Tove Marika Jansson", version);

        var books = await Eventually.Until(
            () => _catalog.GetAsync("/genres/in-memory-children/books"),
            list => ApiClient.Items(list).Count == 1 && ApiClient.Items(list)[0]!["authorName"]!.GetValue<string>() == "Tove Marika Jansson",
            what: "the copy with the new name");
        Assert.Equal(["Comet in Moominland"], CatalogCalls.Titles(books));
    }
}
