using Catalog.Api;

namespace Microservices.Tests.Catalog;

/// <summary>
/// The whole path for every kind of change: HTTP command, event items, the stream, the publisher, RabbitMQ, the genre
/// copies and the book counts, then the Ops check recomputing both from the sources and finding zero drift.
/// </summary>
[TakesAbout(25)]
public sealed class CatalogChangeConvergenceTests(DynamoDbLocalFixture dynamo, RabbitMqFixture rabbit) : ApiTest<CatalogService>(dynamo, "changes")
{
    protected override async Task<IHost?> StartWorkerAsync(DynamoDbOptions tables) =>
        await GenreWorker.StartAsync(tables, await rabbit.NewVirtualHostAsync("changes"));

    [Fact]
    public async Task A_price_change_reaches_the_genre_copy_with_zero_drift()
    {
        var (authorId, bookId) = await BookAsync("Dune", "price-sf");
        await GenreListAsync("price-sf", 1);

        await Http.SendAsync(HttpMethod.Put, $"/authors/{authorId}/books/{bookId}/price", new { price = 4.25m, expectedVersion = 1 }, HttpStatusCode.OK);

        await Eventually.Until(() => GenreListAsync("price-sf"), l => l.Count == 1 && l[0]!["price"]!.GetValue<decimal>() == 4.25m, what: "the new price");
        await CatalogChecks.UntilNoDriftAsync(Tables);
    }

    [Fact]
    public async Task A_genre_change_moves_the_copy_and_leaves_a_tombstone_no_list_shows()
    {
        var (authorId, bookId) = await BookAsync("Dune", "move-from");
        await GenreListAsync("move-from", 1);

        await Http.SendAsync(HttpMethod.Put, $"/authors/{authorId}/books/{bookId}/genre", new { genre = "move-to", expectedVersion = 1 }, HttpStatusCode.OK);

        var moved = await Eventually.Until(() => GenreListAsync("move-to"), l => l.Count == 1, what: "the copy in its new genre");
        Assert.Equal(bookId, moved[0]!["bookId"]!.GetValue<string>());
        await Eventually.Until(() => GenreListAsync("move-from"), l => l.Count == 0, what: "the old genre empty");
        await CatalogChecks.UntilNoDriftAsync(Tables);
        var left = await GetItemAsync(Keys.GenreBookTombstone("move-from", bookId));
        Assert.Equal((ItemTypes.GenreBookTombstone, "2"), (left[Attributes.ItemType].S, left[Attributes.BookVersion].N));
        Assert.False(left.ContainsKey(Attributes.GSI1PK));
    }

    [Fact]
    public async Task A_retitle_rewrites_the_copy_and_resorts_the_genre()
    {
        var (authorId, bookId) = await BookAsync("B Middle", "retitle-sf");
        await Http.AddBookAsync(authorId, "C Last", "retitle-sf");
        await GenreListAsync("retitle-sf", 2);

        await Http.SendAsync(HttpMethod.Put, $"/authors/{authorId}/books/{bookId}/title", new { title = "D After", expectedVersion = 1 }, HttpStatusCode.OK);

        var list = await Eventually.Until(() => GenreListAsync("retitle-sf"), l => CatalogCalls.Titles(l).SequenceEqual(["C Last", "D After"]), what: "the new title, sorted");
        Assert.Equal(bookId, list[1]!["bookId"]!.GetValue<string>());
        await CatalogChecks.UntilNoDriftAsync(Tables);
    }

    [Fact]
    public async Task Deleting_a_book_removes_its_copy_and_lowers_the_book_count()
    {
        var (authorId, bookId) = await BookAsync("Doomed", "delete-sf");
        await Http.AddBookAsync(authorId, "Kept", "delete-sf");
        await GenreListAsync("delete-sf", 2);
        await BookCountAsync(authorId, 2);

        await Http.SendAsync(HttpMethod.Delete, $"/authors/{authorId}/books/{bookId}?expectedVersion=1", null, HttpStatusCode.OK);

        var list = await Eventually.Until(() => GenreListAsync("delete-sf"), l => l.Count == 1, what: "one copy left");
        Assert.Equal(["Kept"], CatalogCalls.Titles(list));
        await BookCountAsync(authorId, 1);
        await CatalogChecks.UntilNoDriftAsync(Tables);
    }

    [Fact]
    public async Task Deleting_an_author_removes_their_book_count_with_zero_drift()
    {
        var (authorId, bookId) = await BookAsync("Only Book", "delete-author");
        await BookCountAsync(authorId, 1);
        await Http.SendAsync(HttpMethod.Delete, $"/authors/{authorId}/books/{bookId}?expectedVersion=1", null, HttpStatusCode.OK);
        await BookCountAsync(authorId, 0);

        await Http.SendAsync(HttpMethod.Delete, $"/authors/{authorId}?expectedVersion=1", null, HttpStatusCode.OK);

        await Eventually.Until(() => GetItemOrNullAsync(Keys.AuthorStats(authorId)), item => item is null, what: "the count removed");
        await CatalogChecks.UntilNoDriftAsync(Tables);
    }

    [Fact]
    public async Task The_book_count_follows_adds_and_deletes()
    {
        var (authorId, _) = await Http.RegisterAuthorAsync("Counted Author");
        await BookCountAsync(authorId, 0);
        var ids = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            ids.Add((await Http.AddBookAsync(authorId, $"Counted {i}", "counted")).BookId);
        }

        await BookCountAsync(authorId, 6);
        foreach (var id in ids.Take(2))
        {
            await Http.SendAsync(HttpMethod.Delete, $"/authors/{authorId}/books/{id}?expectedVersion=1", null, HttpStatusCode.OK);
        }

        await BookCountAsync(authorId, 4);
        await CatalogChecks.UntilNoDriftAsync(Tables);
    }

    [Fact]
    public async Task Walking_a_genre_of_26_copies_five_at_a_time_returns_each_once_sorted_by_title()
    {
        var (authorId, _) = await Http.RegisterAuthorAsync("Genre Pager");
        var titles = Enumerable.Range(0, 26).Select(i => $"Paged {(char)('z' - i)}").ToList();
        foreach (var title in titles)
        {
            await Http.AddBookAsync(authorId, title, "paged-genre");
        }

        await GenreListAsync("paged-genre", 26);

        var walked = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await Http.GetAsync("/genres/paged-genre/books?limit=5" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"));
            pages++;
            walked.AddRange(CatalogCalls.Titles(page));
            cursor = page["nextCursor"]?.GetValue<string>();
        }
        while (cursor is not null && pages < 20);

        Assert.Equal(6, pages);
        Assert.Equal(titles.Order(StringComparer.Ordinal), walked);
    }

    [Fact]
    public async Task A_retitle_racing_a_rename_ends_with_the_new_title_and_the_new_name()
    {
        for (var round = 0; round < 5; round++)
        {
            var (authorId, authorVersion) = await Http.RegisterAuthorAsync($"Racer {round}");
            var (bookId, _) = await Http.AddBookAsync(authorId, "Before", $"race-{round}");

            await Task.WhenAll(
                Http.SendAsync(HttpMethod.Put, $"/authors/{authorId}/books/{bookId}/title", new { title = "After", expectedVersion = 1 }, HttpStatusCode.OK),
                Http.RenameAuthorAsync(authorId, $"Racer {round}, Renamed", authorVersion));

            var copy = await Eventually.Until(
                () => GenreListAsync($"race-{round}"),
                l => l.Count == 1 && l[0]!["title"]!.GetValue<string>() == "After" && l[0]!["authorName"]!.GetValue<string>() == $"Racer {round}, Renamed",
                what: "the copy with the new title and the new name");
            Assert.Equal(bookId, copy[0]!["bookId"]!.GetValue<string>());
        }

        await CatalogChecks.UntilNoDriftAsync(Tables);
    }

    private async Task<(string AuthorId, string BookId)> BookAsync(string title, string genre)
    {
        var (authorId, _) = await Http.RegisterAuthorAsync($"Author of {title}");
        var (bookId, _) = await Http.AddBookAsync(authorId, title, genre);
        return (authorId, bookId);
    }

    private async Task<JsonArray> GenreListAsync(string genre) =>
        ApiClient.Items(await Http.GetAsync($"/genres/{genre}/books"));

    private Task<JsonArray> GenreListAsync(string genre, int count) =>
        Eventually.Until(() => GenreListAsync(genre), l => l.Count == count, what: $"{count} copies in {genre}");

    private Task<JsonNode> BookCountAsync(string authorId, int count) =>
        Eventually.Until(
            () => Http.GetAsync($"/authors/{authorId}"),
            a => a["bookCount"]?.GetValue<int>() == count,
            what: $"bookCount {count}");

    private async Task<Dictionary<string, AttributeValue>> GetItemAsync(ItemKey key) =>
        await GetItemOrNullAsync(key) ?? throw new InvalidOperationException($"No item {key}.");

    private async Task<Dictionary<string, AttributeValue>?> GetItemOrNullAsync(ItemKey key)
    {
        using var client = DynamoDbLocalFixture.CreateClient(Tables);
        var response = await client.GetItemAsync(new GetItemRequest
        {
            TableName = Tables.TableName,
            Key = new() { [Attributes.PK] = new(key.PK), [Attributes.SK] = new(key.SK) },
            ConsistentRead = true,
        }, TestContext.Current.CancellationToken);
        return response.Item is { Count: > 0 } item ? item : null;
    }
}
