using Catalog.Api;

namespace Microservices.Tests.Catalog;

/// <summary>
/// The routes that change or delete books and delete authors, against the real service on DynamoDB Local: the happy
/// path, 400 naming the field, 404 and 409 with the current version.
/// </summary>
[TakesAbout(24)]
public sealed class BookChangeRouteTests(DynamoDbLocalFixture dynamo) : ApiTest<CatalogService>(dynamo, "bookchanges")
{
    public static TheoryData<string, string> Changes => new()
    {
        { "price", "{\"price\":12.5,\"expectedVersion\":1}" },
        { "genre", "{\"genre\":\"space-opera\",\"expectedVersion\":1}" },
        { "title", "{\"title\":\"Dune Reborn\",\"expectedVersion\":1}" },
    };

    [Fact]
    public async Task Changing_a_price_returns_the_next_version_and_the_book_shows_it()
    {
        var (authorId, bookId) = await AuthorWithBookAsync();

        var changed = await Http.SendAsync(HttpMethod.Put, $"/authors/{authorId}/books/{bookId}/price",
            new { price = 12.50m, expectedVersion = 1 }, HttpStatusCode.OK);

        Assert.Equal(2, changed["version"]!.GetValue<long>());
        var book = await BookAsync(authorId);
        Assert.Equal((12.50m, 2L), (book["price"]!.GetValue<decimal>(), book["version"]!.GetValue<long>()));
    }

    [Fact]
    public async Task Changing_a_genre_returns_the_next_version_and_the_book_shows_it()
    {
        var (authorId, bookId) = await AuthorWithBookAsync();

        var changed = await Http.SendAsync(HttpMethod.Put, $"/authors/{authorId}/books/{bookId}/genre",
            new { genre = "space-opera", expectedVersion = 1 }, HttpStatusCode.OK);

        Assert.Equal(2, changed["version"]!.GetValue<long>());
        Assert.Equal("space-opera", (await BookAsync(authorId))["genre"]!.GetValue<string>());
    }

    [Fact]
    public async Task Retitling_moves_the_book_to_its_new_sort_key_and_leaves_nothing_under_the_old_title()
    {
        var (authorId, bookId) = await AuthorWithBookAsync();
        await Http.AddBookAsync(authorId, "Children of Dune", "science-fiction");

        var changed = await Http.SendAsync(HttpMethod.Put, $"/authors/{authorId}/books/{bookId}/title",
            new { title = "A Dune Prequel", expectedVersion = 1 }, HttpStatusCode.OK);

        Assert.Equal(2, changed["version"]!.GetValue<long>());
        var author = await Http.GetAsync($"/authors/{authorId}");
        Assert.Equal(["A Dune Prequel", "Children of Dune"], CatalogCalls.Titles(author["books"]!));
        Assert.Equal(bookId, author["books"]![0]!["bookId"]!.GetValue<string>());
        Assert.Empty(ApiClient.Items(await Http.GetAsync($"/authors/{authorId}/books?startsWith=Dune")));
    }

    [Fact]
    public async Task Retitling_to_a_title_the_author_already_has_returns_409_and_changes_nothing()
    {
        var (authorId, bookId) = await AuthorWithBookAsync();
        await Http.AddBookAsync(authorId, "Dune Messiah", "science-fiction");

        var problem = await Http.SendAsync(HttpMethod.Put, $"/authors/{authorId}/books/{bookId}/title",
            new { title = "Dune Messiah", expectedVersion = 1 }, HttpStatusCode.Conflict);

        Assert.Contains("Dune Messiah", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var author = await Http.GetAsync($"/authors/{authorId}");
        Assert.Equal(["Dune", "Dune Messiah"], CatalogCalls.Titles(author["books"]!));
        Assert.Equal(1, author["books"]![0]!["version"]!.GetValue<long>());
    }

    [Theory]
    [MemberData(nameof(Changes))]
    public async Task A_change_at_a_stale_version_returns_409_with_the_current_version(string route, string json)
    {
        var (authorId, bookId) = await AuthorWithBookAsync();
        await Http.SendAsync(HttpMethod.Put, $"/authors/{authorId}/books/{bookId}/price", new { price = 1m, expectedVersion = 1 }, HttpStatusCode.OK);

        var problem = await Http.SendRawAsync(HttpMethod.Put, $"/authors/{authorId}/books/{bookId}/{route}", json, HttpStatusCode.Conflict);

        Assert.Equal(2, problem["currentVersion"]!.GetValue<long>());
    }

    [Theory]
    [MemberData(nameof(Changes))]
    public async Task A_change_of_an_unknown_book_or_another_authors_book_returns_404(string route, string json)
    {
        var (authorId, bookId) = await AuthorWithBookAsync();
        var (otherAuthor, _) = await Http.RegisterAuthorAsync("Someone Else");

        await Http.SendRawAsync(HttpMethod.Put, $"/authors/{authorId}/books/{new string('f', 32)}/{route}", json, HttpStatusCode.NotFound);
        await Http.SendRawAsync(HttpMethod.Put, $"/authors/{otherAuthor}/books/{bookId}/{route}", json, HttpStatusCode.NotFound);
        await Http.SendRawAsync(HttpMethod.Put, $"/authors/{authorId}/books/not-an-id/{route}", json, HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("price", "{\"expectedVersion\":1}", "price")]
    [InlineData("price", "{\"price\":-1,\"expectedVersion\":1}", "price")]
    [InlineData("price", "{\"price\":\"cheap\",\"expectedVersion\":1}", "price")]
    [InlineData("price", "{\"price\":5}", "expectedVersion")]
    [InlineData("genre", "{\"genre\":\"Space Opera\",\"expectedVersion\":1}", "genre")]
    [InlineData("genre", "{\"genre\":\"space-opera\",\"expectedVersion\":0}", "expectedVersion")]
    [InlineData("title", "{\"title\":\"\",\"expectedVersion\":1}", "title")]
    [InlineData("title", "{\"title\":\"Dune\",\"expectedVersion\":\"one\"}", "expectedVersion")]
    public async Task A_change_with_bad_input_returns_400_naming_the_field(string route, string json, string field)
    {
        var (authorId, bookId) = await AuthorWithBookAsync();

        var problem = await Http.SendRawAsync(HttpMethod.Put, $"/authors/{authorId}/books/{bookId}/{route}", json, HttpStatusCode.BadRequest);

        Assert.Contains(field, problem["errors"]!.AsObject().Select(e => e.Key), StringComparer.OrdinalIgnoreCase);
        Assert.Equal(1, (await BookAsync(authorId))["version"]!.GetValue<long>());
    }

    [Fact]
    public async Task Deleting_a_book_removes_it_and_a_second_delete_is_404()
    {
        var (authorId, bookId) = await AuthorWithBookAsync();

        var deleted = await Http.SendAsync(HttpMethod.Delete, $"/authors/{authorId}/books/{bookId}?expectedVersion=1", null, HttpStatusCode.OK);

        Assert.Equal(2, deleted["version"]!.GetValue<long>());
        Assert.Empty((await Http.GetAsync($"/authors/{authorId}"))["books"]!.AsArray());
        await Http.SendAsync(HttpMethod.Delete, $"/authors/{authorId}/books/{bookId}?expectedVersion=2", null, HttpStatusCode.NotFound);
        await Http.SendAsync(HttpMethod.Put, $"/authors/{authorId}/books/{bookId}/price", new { price = 3m, expectedVersion = 2 }, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Deleting_a_book_at_a_stale_version_returns_409_with_the_current_version_and_keeps_it()
    {
        var (authorId, bookId) = await AuthorWithBookAsync();
        await Http.SendAsync(HttpMethod.Put, $"/authors/{authorId}/books/{bookId}/price", new { price = 3m, expectedVersion = 1 }, HttpStatusCode.OK);

        var problem = await Http.SendAsync(HttpMethod.Delete, $"/authors/{authorId}/books/{bookId}?expectedVersion=1", null, HttpStatusCode.Conflict);

        Assert.Equal(2, problem["currentVersion"]!.GetValue<long>());
        Assert.Single((await Http.GetAsync($"/authors/{authorId}"))["books"]!.AsArray());
    }

    [Theory]
    [InlineData("")]
    [InlineData("?expectedVersion=0")]
    [InlineData("?expectedVersion=abc")]
    public async Task Deleting_without_a_valid_expected_version_returns_400_naming_it(string query)
    {
        var (authorId, bookId) = await AuthorWithBookAsync();

        var book = await Http.SendAsync(HttpMethod.Delete, $"/authors/{authorId}/books/{bookId}{query}", null, HttpStatusCode.BadRequest);
        var author = await Http.SendAsync(HttpMethod.Delete, $"/authors/{authorId}{query}", null, HttpStatusCode.BadRequest);

        Assert.True(book["errors"]!.AsObject().ContainsKey("expectedVersion"));
        Assert.True(author["errors"]!.AsObject().ContainsKey("expectedVersion"));
    }

    [Fact]
    public async Task Deleting_an_unknown_book_or_author_returns_404()
    {
        var (authorId, _) = await AuthorWithBookAsync();

        await Http.SendAsync(HttpMethod.Delete, $"/authors/{authorId}/books/{new string('f', 32)}?expectedVersion=1", null, HttpStatusCode.NotFound);
        await Http.SendAsync(HttpMethod.Delete, $"/authors/{new string('f', 32)}?expectedVersion=1", null, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Deleting_an_author_who_still_has_books_returns_409_saying_so()
    {
        var (authorId, _) = await AuthorWithBookAsync();

        var problem = await Http.SendAsync(HttpMethod.Delete, $"/authors/{authorId}?expectedVersion=1", null, HttpStatusCode.Conflict);

        Assert.Contains("still has books", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        await Http.GetAsync($"/authors/{authorId}");
    }

    [Fact]
    public async Task Deleting_an_author_without_books_removes_them_from_get_and_from_the_author_list()
    {
        var (authorId, bookId) = await AuthorWithBookAsync();
        await Http.SendAsync(HttpMethod.Delete, $"/authors/{authorId}/books/{bookId}?expectedVersion=1", null, HttpStatusCode.OK);

        var deleted = await Http.SendAsync(HttpMethod.Delete, $"/authors/{authorId}?expectedVersion=1", null, HttpStatusCode.OK);

        Assert.Equal(2, deleted["version"]!.GetValue<long>());
        await Http.GetAsync($"/authors/{authorId}", HttpStatusCode.NotFound);
        var authors = ApiClient.Items(await Http.GetAsync("/authors"));
        Assert.DoesNotContain(authors, a => a!["authorId"]!.GetValue<string>() == authorId);
        await Http.SendAsync(HttpMethod.Put, $"/authors/{authorId}/name", new { name = "Back?", expectedVersion = 2 }, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Deleting_an_author_at_a_stale_version_returns_409_with_the_current_version()
    {
        var (authorId, version) = await Http.RegisterAuthorAsync("Renamed Before Delete");
        await Http.RenameAuthorAsync(authorId, "Renamed", version);

        var problem = await Http.SendAsync(HttpMethod.Delete, $"/authors/{authorId}?expectedVersion=1", null, HttpStatusCode.Conflict);

        Assert.Equal(2, problem["currentVersion"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_book_added_after_the_delete_looked_for_books_makes_the_delete_409_and_keeps_the_author()
    {
        var (authorId, _) = await Http.RegisterAuthorAsync("Contested Author");
        var added = false;
        // Right after the delete's Query found no book, and before its transaction, a book arrives.
        Api.Requests.After(r => r is Amazon.DynamoDBv2.Model.QueryRequest { Limit: 1, ProjectionExpression: "PK" }, async () =>
        {
            await Http.AddBookAsync(authorId, "Arrived Late", "fantasy", 1m);
            added = true;
        });

        var problem = await Http.SendAsync(HttpMethod.Delete, $"/authors/{authorId}?expectedVersion=1", null, HttpStatusCode.Conflict);

        Assert.True(added, "the book was added between the delete's read and its transaction");
        Assert.Contains("gained a book", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var author = await Http.GetAsync($"/authors/{authorId}");
        Assert.Equal(["Arrived Late"], CatalogCalls.Titles(author["books"]!));
        Assert.Equal(1, await BooksInPartitionAsync(authorId));
    }

    [Fact]
    public async Task Renaming_an_author_keeps_the_book_adds_that_adding_their_books_maintains()
    {
        var (authorId, version) = await Http.RegisterAuthorAsync("Counted Author");
        await Http.AddBookAsync(authorId, "First", "fantasy", 1m);
        await Http.AddBookAsync(authorId, "Second", "fantasy", 1m);

        await Http.RenameAuthorAsync(authorId, "Renamed Counted Author", version);

        var author = await AuthorItemAsync(authorId);
        Assert.Equal(("2", "Renamed Counted Author", "2"), (author[Attributes.BookAdds].N, author[Attributes.Name].S, author[Attributes.Version].N));
    }

    [Fact]
    public async Task A_book_added_after_a_rename_while_a_delete_looked_for_books_still_makes_the_delete_409()
    {
        var (authorId, first) = await AuthorWithBookAsync();
        await Http.SendAsync(HttpMethod.Delete, $"/authors/{authorId}/books/{first}?expectedVersion=1", null, HttpStatusCode.OK);
        var anyBook = (Func<Amazon.Runtime.AmazonWebServiceRequest, bool>)(r => r is QueryRequest { Limit: 1, ProjectionExpression: "PK" });
        // The delete has read BookAdds (1). Before its Query for books, the author is renamed (to the version the delete
        // expects); after the Query found none, a book arrives. Had the rename dropped BookAdds, the new book would have
        // set it to 1 again and the delete, finding what it read, would have orphaned the book.
        Api.Requests.Before(anyBook, () => Http.RenameAuthorAsync(authorId, "Renamed Meanwhile", 1));
        Api.Requests.After(anyBook, () => Http.AddBookAsync(authorId, "Arrived Late", "fantasy", 1m));

        var problem = await Http.SendAsync(HttpMethod.Delete, $"/authors/{authorId}?expectedVersion=2", null, HttpStatusCode.Conflict);

        Assert.Contains("gained a book", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var author = await Http.GetAsync($"/authors/{authorId}");
        Assert.Equal("Renamed Meanwhile", author["name"]!.GetValue<string>());
        Assert.Equal(["Arrived Late"], CatalogCalls.Titles(author["books"]!));
        Assert.Equal("2", (await AuthorItemAsync(authorId))[Attributes.BookAdds].N);
    }

    [Fact]
    public async Task A_change_is_one_read_of_its_stream_and_one_transaction_and_a_get_is_one_query()
    {
        var (authorId, bookId) = await AuthorWithBookAsync();
        var requests = Api.Requests;
        requests.Clear();

        await Http.SendAsync(HttpMethod.Put, $"/authors/{authorId}/books/{bookId}/title", new { title = "Dune II", expectedVersion = 1 }, HttpStatusCode.OK);

        Assert.Equal(["Query", "TransactWriteItems"], requests.Operations);
        var transaction = Assert.IsType<Amazon.DynamoDBv2.Model.TransactWriteItemsRequest>(requests.Sent[1]);
        Assert.Equal(3, transaction.TransactItems.Count); // the event, the old title's delete, the new title's put
        requests.Clear();

        await Http.GetAsync($"/authors/{authorId}");
        await Http.GetAsync($"/authors/{authorId}/books?limit=1");

        Assert.Equal(["Query", "Query"], requests.Operations);
    }

    /// <summary>Book items in the author's partition, read straight from the table.</summary>
    private async Task<Dictionary<string, AttributeValue>> AuthorItemAsync(string authorId)
    {
        using var client = DynamoDbLocalFixture.CreateClient(Tables);
        var key = Microservices.Schema.Keys.Author(authorId);
        return (await client.GetItemAsync(new Amazon.DynamoDBv2.Model.GetItemRequest
        {
            TableName = Tables.TableName,
            Key = new() { [Attributes.PK] = new(key.PK), [Attributes.SK] = new(key.SK) },
            ConsistentRead = true,
        }, TestContext.Current.CancellationToken)).Item;
    }

    private async Task<int> BooksInPartitionAsync(string authorId)
    {
        using var client = DynamoDbLocalFixture.CreateClient(Tables);
        var books = await client.QueryAsync(new Amazon.DynamoDBv2.Model.QueryRequest
        {
            TableName = Tables.TableName,
            KeyConditionExpression = "PK = :pk AND begins_with(SK, :books)",
            ExpressionAttributeValues = new()
            {
                [":pk"] = new(Microservices.Schema.Keys.AuthorPartition(authorId)),
                [":books"] = new(Microservices.Schema.Keys.BooksStartingWith("")),
            },
            ConsistentRead = true,
        }, TestContext.Current.CancellationToken);
        return books.Items?.Count ?? 0;
    }

    private async Task<(string AuthorId, string BookId)> AuthorWithBookAsync()
    {
        var (authorId, _) = await Http.RegisterAuthorAsync("Frank Herbert");
        var (bookId, _) = await Http.AddBookAsync(authorId, "Dune", "science-fiction", 10.99m);
        return (authorId, bookId);
    }

    private async Task<JsonNode> BookAsync(string authorId) =>
        (await Http.GetAsync($"/authors/{authorId}"))["books"]![0]!;
}
