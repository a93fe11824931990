using Catalog.Api;

namespace Microservices.Tests.Catalog;

/// <summary>
/// The whole path: HTTP command, event items, the table's stream, the publisher, RabbitMQ, the genre consumers' copies.
/// </summary>
public sealed class GenreCopyConvergenceTests(DynamoDbLocalFixture dynamo, RabbitMqFixture rabbit) : ApiTest<CatalogService>(dynamo, "converge")
{
    protected override async Task<IHost?> StartWorkerAsync(DynamoDbOptions tables) =>
        await GenreWorker.StartAsync(tables, await rabbit.NewVirtualHostAsync("converge"));

    [Fact]
    public async Task A_new_book_appears_in_its_genre_sorted_by_title_with_its_authors_name()
    {
        var (herbert, _) = await Http.RegisterAuthorAsync("Frank Herbert");
        var (leGuin, _) = await Http.RegisterAuthorAsync("Ursula K. Le Guin");
        await Http.AddBookAsync(herbert, "Dune Messiah", "science-fiction", 9.99m);
        await Http.AddBookAsync(leGuin, "The Dispossessed", "science-fiction", 11.50m);
        await Http.AddBookAsync(herbert, "Dune", "science-fiction", 10.99m);
        await Http.AddBookAsync(leGuin, "A Wizard of Earthsea", "fantasy", 8.99m);

        var books = await Eventually.Until(
            () => Http.GetAsync("/genres/science-fiction/books"), list => ApiClient.Items(list).Count == 3, what: "three science-fiction copies");

        Assert.Equal(["Dune", "Dune Messiah", "The Dispossessed"], CatalogCalls.Titles(books));
        Assert.Equal(["Frank Herbert", "Frank Herbert", "Ursula K. Le Guin"], ApiClient.Items(books).Select(b => b!["authorName"]!.GetValue<string>()));
        Assert.Equal(10.99m, ApiClient.Items(books)[0]!["price"]!.GetValue<decimal>());
        var fantasy = await Eventually.Until(() => Http.GetAsync("/genres/fantasy/books"), list => ApiClient.Items(list).Count == 1);
        Assert.Equal(["A Wizard of Earthsea"], CatalogCalls.Titles(fantasy));
    }

    [Fact]
    public async Task An_author_with_50_books_renamed_twice_converges_in_every_copy()
    {
        var (authorId, version) = await Http.RegisterAuthorAsync("Prolific Writer");
        for (var i = 0; i < 50; i++)
        {
            await Http.AddBookAsync(authorId, $"Volume {i:D2}", "prolific", 5m + i);
        }

        version = await Http.RenameAuthorAsync(authorId, "Prolific Writer (renamed once)", version);
        await Http.RenameAuthorAsync(authorId, "Prolific Writer (renamed twice)", version);

        var books = await Eventually.Until(
            () => Http.GetAsync("/genres/prolific/books"),
            list => ApiClient.Items(list).Count == 50 && ApiClient.Items(list).All(b => b!["authorName"]!.GetValue<string>() == "Prolific Writer (renamed twice)"),
            TimeSpan.FromSeconds(90),
            "50 copies carrying the second name");

        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"Volume {i:D2}"), CatalogCalls.Titles(books));
    }

    [Fact]
    public async Task A_book_added_while_its_author_is_renamed_ends_with_the_new_name()
    {
        var (authorId, version) = await Http.RegisterAuthorAsync("Racing Author");

        // The create and the rename are in flight together; whichever the worker sees first, the copy must end current.
        var add = Task.WhenAll(Enumerable.Range(0, 5).Select(i => Http.AddBookAsync(authorId, $"Race {i}", "racing")));
        var rename = Http.RenameAuthorAsync(authorId, "Racing Author, Renamed", version);
        await Task.WhenAll(add, rename);

        var books = await Eventually.Until(
            () => Http.GetAsync("/genres/racing/books"),
            list => ApiClient.Items(list).Count == 5 && ApiClient.Items(list).All(b => b!["authorName"]!.GetValue<string>() == "Racing Author, Renamed"),
            what: "five copies with the new name");
        Assert.Equal(5, ApiClient.Items(books).Count);
    }
}
