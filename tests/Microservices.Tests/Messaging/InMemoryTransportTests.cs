using Catalog.Api;

namespace Microservices.Tests.Messaging;

/// <summary>The one-command run's default: the same worker on MassTransit's in-memory transport, with no broker.</summary>
public sealed class InMemoryTransportTests(DynamoDbLocalFixture dynamo) : ApiTest<CatalogService>(dynamo, "inmemory")
{
    protected override async Task<IHost?> StartWorkerAsync(DynamoDbOptions tables) =>
        await GenreWorker.StartAsync(tables, new Dictionary<string, string?> { ["Messaging:Transport"] = "InMemory" });

    [Fact]
    public async Task Copies_follow_a_new_book_and_a_rename_without_a_broker()
    {
        var (authorId, version) = await Http.RegisterAuthorAsync("Tove Jansson");
        await Http.AddBookAsync(authorId, "Comet in Moominland", "in-memory-children", 7m);
        await Http.RenameAuthorAsync(authorId, "Tove Marika Jansson", version);

        var books = await Eventually.Until(
            () => Http.GetAsync("/genres/in-memory-children/books"),
            list => ApiClient.Items(list).Count == 1 && ApiClient.Items(list)[0]!["authorName"]!.GetValue<string>() == "Tove Marika Jansson",
            what: "the copy with the new name");
        Assert.Equal(["Comet in Moominland"], CatalogCalls.Titles(books));
    }
}
