using System.Buffers.Text;
using System.Text;
using Catalog.Api;

namespace Microservices.Tests.Catalog;

/// <summary>
/// Every list pages with <c>?limit=&amp;cursor=</c>: walking a list of more than 25 items page by page returns each
/// item once, in order, and a cursor that was tampered with, or belongs to another list, is a 400 naming cursor.
/// </summary>
public sealed class PagingRouteTests(DynamoDbLocalFixture dynamo) : ApiTest<CatalogService>(dynamo, "paging")
{
    [Fact]
    public async Task Walking_27_authors_seven_at_a_time_returns_each_once_sorted_by_name()
    {
        var names = Enumerable.Range(0, 27).Select(i => $"Author {26 - i:D2}").ToList();
        var ids = new List<string>();
        foreach (var name in names)
        {
            ids.Add((await Http.RegisterAuthorAsync(name)).AuthorId);
        }

        var (items, pages) = await WalkAsync("/authors", 7);

        // Other tests of this class share the table: every author appears once, in name order, ours among them.
        var walkedIds = items.Select(a => a["authorId"]!.GetValue<string>()).ToList();
        Assert.Equal(walkedIds.Count, walkedIds.Distinct().Count());
        Assert.Equal((walkedIds.Count + 6) / 7, pages);
        var walkedNames = items.Select(a => a["name"]!.GetValue<string>()).ToList();
        Assert.Equal(walkedNames.Order(StringComparer.Ordinal), walkedNames);
        Assert.Equal(names.Order(StringComparer.Ordinal), walkedNames.Where(n => n.StartsWith("Author ", StringComparison.Ordinal)));
        Assert.Superset(ids.ToHashSet(), walkedIds.ToHashSet());
    }

    [Fact]
    public async Task Walking_26_books_of_an_author_four_at_a_time_returns_each_once_sorted_by_title()
    {
        var (authorId, _) = await Http.RegisterAuthorAsync("Paged Author");
        var titles = Enumerable.Range(0, 26).Select(i => $"Book {(char)('Z' - i)}").ToList();
        foreach (var title in titles)
        {
            await Http.AddBookAsync(authorId, title);
        }

        var (items, pages) = await WalkAsync($"/authors/{authorId}/books", 4);

        Assert.Equal(7, pages);
        Assert.Equal(titles.Order(StringComparer.Ordinal), items.Select(b => b["title"]!.GetValue<string>()));
        Assert.Equal(26, items.Select(b => b["bookId"]!.GetValue<string>()).Distinct().Count());
    }

    [Fact]
    public async Task A_list_that_fits_in_one_page_has_no_next_cursor()
    {
        var (authorId, _) = await Http.RegisterAuthorAsync("Short List");
        await Http.AddBookAsync(authorId, "Only One");

        var page = await Http.GetAsync($"/authors/{authorId}/books?limit=1");

        Assert.Single(ApiClient.Items(page));
        Assert.Null(page["nextCursor"]);
    }

    [Fact]
    public async Task A_tampered_cursor_or_one_from_another_list_is_400_naming_cursor()
    {
        var (authorId, _) = await Http.RegisterAuthorAsync("Cursor Owner");
        var (otherId, _) = await Http.RegisterAuthorAsync("Someone Else");
        foreach (var title in new[] { "A", "B", "C" })
        {
            await Http.AddBookAsync(authorId, title);
            await Http.AddBookAsync(otherId, title);
        }

        var cursor = (await Http.GetAsync($"/authors/{authorId}/books?limit=1"))["nextCursor"]!.GetValue<string>();
        var json = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
        var edited = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json.Replace(authorId, otherId, StringComparison.Ordinal)));
        var withoutPk = JsonNode.Parse(json)!.AsObject();
        withoutPk.Remove("PK");

        foreach (var bad in new[]
                 {
                     "not base64url!", cursor[..^3], cursor + "AAAA", edited,
                     Base64Url.EncodeToString(Encoding.UTF8.GetBytes(withoutPk.ToJsonString())),
                     Base64Url.EncodeToString("[1,2]"u8),
                 })
        {
            var problem = await Http.GetAsync($"/authors/{authorId}/books?limit=1&cursor={Uri.EscapeDataString(bad)}", HttpStatusCode.BadRequest);
            Assert.True(problem["errors"]!.AsObject().ContainsKey("cursor"), bad);
        }

        // The author list and the genre list refuse a book cursor too.
        Assert.True((await Http.GetAsync($"/authors?cursor={cursor}", HttpStatusCode.BadRequest))["errors"]!.AsObject().ContainsKey("cursor"));
        Assert.True((await Http.GetAsync($"/genres/fantasy/books?cursor={cursor}", HttpStatusCode.BadRequest))["errors"]!.AsObject().ContainsKey("cursor"));
        // A cursor of a startsWith list cannot continue another prefix.
        await Http.GetAsync($"/authors/{authorId}/books?startsWith=Z&cursor={cursor}", HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("/authors?limit=0")]
    [InlineData("/authors?limit=101")]
    [InlineData("/authors?limit=ten")]
    [InlineData("/genres/fantasy/books?limit=-1")]
    public async Task A_limit_outside_1_to_100_is_400_naming_limit(string path)
    {
        var problem = await Http.GetAsync(path, HttpStatusCode.BadRequest);

        Assert.True(problem["errors"]!.AsObject().ContainsKey("limit"));
    }

    /// <summary>Follows nextCursor to the end; fails on a repeated cursor, so a loop cannot hide a bug.</summary>
    [Fact]
    public async Task A_cursor_of_one_genre_is_refused_on_another_genres_list()
    {
        var bookId = Microservices.EventSourcing.Ids.New();
        var copy = Microservices.Schema.Keys.GenreBook("fantasy", bookId);
        var cursor = Microservices.SingleTable.Pages.Encode(new Dictionary<string, Amazon.DynamoDBv2.Model.AttributeValue>
        {
            ["PK"] = new(copy.PK),
            ["SK"] = new(copy.SK),
            ["GSI1PK"] = new(Microservices.Schema.Keys.GenrePartition("fantasy")),
            ["GSI1SK"] = new(Microservices.Schema.Keys.GenreBookSortKey("Earthsea")),
        }, new global::Catalog.Api.Features.ListGenreBooks("fantasy", null, null).Shape);

        await Http.GetAsync($"/genres/fantasy/books?cursor={cursor}");
        var problem = await Http.GetAsync($"/genres/poetry/books?cursor={cursor}", HttpStatusCode.BadRequest);

        Assert.True(problem["errors"]!.AsObject().ContainsKey("cursor"));
    }

    [Fact]
    public async Task An_author_is_listed_with_a_null_book_count_until_the_worker_has_counted_their_books()
    {
        var (authorId, _) = await Http.RegisterAuthorAsync("Not Yet Counted");
        await Http.AddBookAsync(authorId, "Uncounted");

        var author = await Http.GetAsync($"/authors/{authorId}");

        // No worker runs in this class: nothing has counted, so the count is null, not a made-up 0 or 1.
        Assert.Single(author["books"]!.AsArray());
        Assert.True(author.AsObject().ContainsKey("bookCount"));
        Assert.Null(author["bookCount"]);
    }

    private async Task<(List<JsonNode> Items, int Pages)> WalkAsync(string path, int limit)
    {
        var items = new List<JsonNode>();
        var cursors = new HashSet<string>(StringComparer.Ordinal);
        string? cursor = null;
        var pages = 0;
        do
        {
            var separator = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
            var page = await Http.GetAsync(
                $"{path}{separator}limit={limit}" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"));
            pages++;
            var pageItems = ApiClient.Items(page).Select(i => i!).ToList();
            Assert.InRange(pageItems.Count, 1, limit);
            items.AddRange(pageItems);
            cursor = page["nextCursor"]?.GetValue<string>();
            Assert.True(cursor is null || cursors.Add(cursor), "a cursor came back twice");
        }
        while (cursor is not null);

        return (items, pages);
    }
}
