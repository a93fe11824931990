using Catalog.Api;

namespace Microservices.Tests.Catalog;

/// <summary>Every Catalog route against the real service on DynamoDB Local, including its 400, 404 and 409 answers.</summary>
public sealed class CatalogRouteTests(DynamoDbLocalFixture dynamo) : ApiTest<CatalogService>(dynamo, "routes")
{
    [Fact]
    public async Task Registering_an_author_returns_its_id_and_version_1()
    {
        var (authorId, version) = await Http.RegisterAuthorAsync("Malin Persson");

        Assert.Equal(32, authorId.Length);
        Assert.Equal(1, version);
        var author = await Http.GetAsync($"/authors/{authorId}");
        Assert.Equal("Malin Persson", author["name"]!.GetValue<string>());
        Assert.Empty(author["books"]!.AsArray());
    }

    [Fact]
    public async Task Renaming_with_the_current_version_returns_the_next_version()
    {
        var (authorId, version) = await Http.RegisterAuthorAsync("Frank Herbert");

        var renamed = await Http.RenameAuthorAsync(authorId, "Franklin Herbert", version);

        Assert.Equal(2, renamed);
        var author = await Http.GetAsync($"/authors/{authorId}");
        Assert.Equal("Franklin Herbert", author["name"]!.GetValue<string>());
        Assert.Equal(2, author["version"]!.GetValue<long>());
    }

    [Fact]
    public async Task Renaming_with_a_stale_version_returns_409_with_the_current_version()
    {
        var (authorId, _) = await Http.RegisterAuthorAsync("Astrid Lindgren");
        await Http.RenameAuthorAsync(authorId, "Astrid Anna Emilia Lindgren", 1);

        var problem = await Http.SendAsync(HttpMethod.Put, $"/authors/{authorId}/name",
            new { name = "Astrid L.", expectedVersion = 1 }, HttpStatusCode.Conflict);

        Assert.Equal(2, problem["currentVersion"]!.GetValue<long>());
        var author = await Http.GetAsync($"/authors/{authorId}");
        Assert.Equal("Astrid Anna Emilia Lindgren", author["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Renaming_an_unknown_author_returns_404()
    {
        await Http.SendAsync(HttpMethod.Put, $"/authors/{new string('a', 32)}/name",
            new { name = "Nobody", expectedVersion = 1 }, HttpStatusCode.NotFound);
        await Http.SendAsync(HttpMethod.Put, "/authors/not-an-id/name",
            new { name = "Nobody", expectedVersion = 1 }, HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("{}", "name")]
    [InlineData("{\"name\":\"\"}", "name")]
    [InlineData("{\"name\":\" padded \"}", "name")]
    [InlineData("{\"name\":42}", "name")]
    [InlineData("{\"nmae\":\"typo\"}", "nmae")]
    public async Task Registering_with_bad_input_returns_400_naming_the_field(string json, string field)
    {
        var problem = await Http.SendRawAsync(HttpMethod.Post, "/authors", json, HttpStatusCode.BadRequest);

        Assert.Contains(field, problem["errors"]!.AsObject().Select(e => e.Key), StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Renaming_without_an_expected_version_returns_400_naming_it()
    {
        var (authorId, _) = await Http.RegisterAuthorAsync("Selma Lagerlöf");

        var problem = await Http.SendAsync(HttpMethod.Put, $"/authors/{authorId}/name", new { name = "S. L." }, HttpStatusCode.BadRequest);

        Assert.True(problem["errors"]!.AsObject().ContainsKey("expectedVersion"));
    }

    [Fact]
    public async Task Adding_a_book_returns_its_id_and_version_1()
    {
        var (authorId, _) = await Http.RegisterAuthorAsync("Ursula K. Le Guin");

        var (bookId, version) = await Http.AddBookAsync(authorId, "A Wizard of Earthsea", "fantasy", 8.99m);

        Assert.Equal(32, bookId.Length);
        Assert.Equal(1, version);
        var books = (await Http.GetAsync($"/authors/{authorId}"))["books"]!.AsArray();
        var book = Assert.Single(books)!;
        Assert.Equal(bookId, book["bookId"]!.GetValue<string>());
        Assert.Equal(8.99m, book["price"]!.GetValue<decimal>());
        Assert.Equal("fantasy", book["genre"]!.GetValue<string>());
    }

    [Fact]
    public async Task Adding_a_book_to_an_unknown_author_returns_404_and_writes_nothing()
    {
        var unknown = new string('b', 32);

        await Http.SendAsync(HttpMethod.Post, $"/authors/{unknown}/books",
            new { title = "Orphan", genre = "fantasy", price = 1m }, HttpStatusCode.NotFound);

        using var client = DynamoDbLocalFixture.CreateClient(Tables);
        var items = await client.QueryAsync(new QueryRequest
        {
            TableName = Tables.TableName,
            KeyConditionExpression = "PK = :pk",
            ExpressionAttributeValues = new() { [":pk"] = new(Keys.AuthorPartition(unknown)) },
        }, TestContext.Current.CancellationToken);
        Assert.Empty(items.Items ?? []);
    }

    [Fact]
    public async Task Adding_a_title_the_author_already_has_returns_409()
    {
        var (authorId, _) = await Http.RegisterAuthorAsync("Frank Herbert");
        await Http.AddBookAsync(authorId, "Dune");

        await Http.SendAsync(HttpMethod.Post, $"/authors/{authorId}/books",
            new { title = "Dune", genre = "science-fiction", price = 5m }, HttpStatusCode.Conflict);

        var books = (await Http.GetAsync($"/authors/{authorId}"))["books"]!.AsArray();
        Assert.Equal("fantasy", Assert.Single(books)!["genre"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("{\"genre\":\"fantasy\",\"price\":1}", "title")]
    [InlineData("{\"title\":\"T\",\"price\":1}", "genre")]
    [InlineData("{\"title\":\"T\",\"genre\":\"Science Fiction\",\"price\":1}", "genre")]
    [InlineData("{\"title\":\"T\",\"genre\":\"fantasy\"}", "price")]
    [InlineData("{\"title\":\"T\",\"genre\":\"fantasy\",\"price\":0}", "price")]
    [InlineData("{\"title\":\"T\",\"genre\":\"fantasy\",\"price\":1.001}", "price")]
    [InlineData("{\"title\":\"T\",\"genre\":\"fantasy\",\"price\":\"cheap\"}", "price")]
    [InlineData("{\"title\":\"T\",\"genre\":\"fantasy\",\"price\":1", "price")]
    public async Task Adding_a_book_with_bad_input_returns_400_naming_the_field(string json, string field)
    {
        var (authorId, _) = await Http.RegisterAuthorAsync("Validation Author");

        var problem = await Http.SendRawAsync(HttpMethod.Post, $"/authors/{authorId}/books", json, HttpStatusCode.BadRequest);

        Assert.Contains(field, problem["errors"]!.AsObject().Select(e => e.Key), StringComparer.OrdinalIgnoreCase);
        Assert.Empty((await Http.GetAsync($"/authors/{authorId}"))["books"]!.AsArray());
    }

    [Fact]
    public async Task Getting_an_author_returns_every_book_sorted_by_title()
    {
        var (authorId, _) = await Http.RegisterAuthorAsync("Frank Herbert");
        foreach (var title in new[] { "Dune Messiah", "Children of Dune", "Dune", "God Emperor of Dune" })
        {
            await Http.AddBookAsync(authorId, title, "science-fiction");
        }

        var author = await Http.GetAsync($"/authors/{authorId}");

        Assert.Equal(["Children of Dune", "Dune", "Dune Messiah", "God Emperor of Dune"], CatalogCalls.Titles(author["books"]!));
    }

    [Fact]
    public async Task Getting_an_unknown_author_returns_404()
    {
        await Http.GetAsync($"/authors/{new string('c', 32)}", HttpStatusCode.NotFound);
        await Http.GetAsync("/authors/AUTHOR%23x", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Books_starting_with_a_prefix_come_from_the_sort_key_and_nothing_else()
    {
        var (authorId, _) = await Http.RegisterAuthorAsync("Prefix Author");
        foreach (var title in new[] { "Dune", "Dune Messiah", "Dunes#1", "Desert", "dune lowercase", "D%23 odd" })
        {
            await Http.AddBookAsync(authorId, title);
        }

        Assert.Equal(["Dune", "Dune Messiah", "Dunes#1"], CatalogCalls.Titles(await Http.GetAsync($"/authors/{authorId}/books?startsWith=Dune")));
        Assert.Equal(["Dunes#1"], CatalogCalls.Titles(await Http.GetAsync($"/authors/{authorId}/books?startsWith={Uri.EscapeDataString("Dunes#")}")));
        // '#' is the key delimiter: a prefix holding it must not reach into other key segments.
        Assert.Empty(ApiClient.Items(await Http.GetAsync($"/authors/{authorId}/books?startsWith={Uri.EscapeDataString("#")}")));
        Assert.Equal(["D%23 odd"], CatalogCalls.Titles(await Http.GetAsync($"/authors/{authorId}/books?startsWith={Uri.EscapeDataString("D%")}")));
        Assert.Equal(6, ApiClient.Items(await Http.GetAsync($"/authors/{authorId}/books")).Count);
    }

    [Fact]
    public async Task Books_of_an_unknown_author_return_404_and_of_a_known_one_an_empty_list()
    {
        var (authorId, _) = await Http.RegisterAuthorAsync("No Books Yet");

        Assert.Empty(ApiClient.Items(await Http.GetAsync($"/authors/{authorId}/books?startsWith=A")));
        await Http.GetAsync($"/authors/{new string('d', 32)}/books?startsWith=A", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Genre_books_reject_a_genre_that_is_not_a_slug()
    {
        var problem = await Http.GetAsync("/genres/Science%20Fiction/books", HttpStatusCode.BadRequest);

        Assert.True(problem["errors"]!.AsObject().ContainsKey("genre"));
    }

    [Fact]
    public async Task Every_command_appends_contiguous_events_and_keeps_the_canonical_version()
    {
        var (authorId, _) = await Http.RegisterAuthorAsync("Event Sourced");
        await Http.RenameAuthorAsync(authorId, "Event Sourced II", 1);
        await Http.RenameAuthorAsync(authorId, "Event Sourced III", 2);
        // Renaming to the current name decides no event.
        Assert.Equal(3, await Http.RenameAuthorAsync(authorId, "Event Sourced III", 3));

        using var client = DynamoDbLocalFixture.CreateClient(Tables);
        var events = await client.QueryAsync(new QueryRequest
        {
            TableName = Tables.TableName,
            KeyConditionExpression = "PK = :pk",
            ExpressionAttributeValues = new() { [":pk"] = new(Keys.StreamPartition("author", authorId)) },
            ConsistentRead = true,
        }, TestContext.Current.CancellationToken);

        Assert.Equal(["1", "2", "3"], events.Items.Select(e => e[Attributes.Version].N));
        Assert.Equal(["author.registered.v1", "author.renamed.v1", "author.renamed.v1"], events.Items.Select(e => e[Attributes.EventType].S));
        var author = await Http.GetAsync($"/authors/{authorId}");
        Assert.Equal(3, author["version"]!.GetValue<long>());
    }

    [Fact]
    public async Task Concurrent_renames_from_the_same_version_let_exactly_one_win()
    {
        var (authorId, version) = await Http.RegisterAuthorAsync("Contested");

        var attempts = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, $"/authors/{authorId}/name")
            {
                Content = System.Net.Http.Json.JsonContent.Create(new { name = $"Contender {i}", expectedVersion = version }),
            };
            using var response = await Http.Http.SendAsync(request, TestContext.Current.CancellationToken);
            return response.StatusCode;
        }));

        Assert.Equal(1, attempts.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(7, attempts.Count(s => s == HttpStatusCode.Conflict));
        Assert.Equal(2, (await Http.GetAsync($"/authors/{authorId}"))["version"]!.GetValue<long>());
    }
}
