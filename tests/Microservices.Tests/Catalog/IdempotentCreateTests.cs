using System.Net.Http.Json;
using Catalog.Api;

namespace Microservices.Tests.Catalog;

/// <summary>
/// Creates take an Idempotency-Key: a retry with the same key and body returns the first result (same id, 201) and
/// creates nothing more; the same key with another body is a 422; a malformed key is a 400 naming the header. What
/// every service shares (the replay header, the 409 in progress) is in IdempotencyTests.
/// </summary>
public sealed class IdempotentCreateTests(DynamoDbLocalFixture dynamo) : ApiTest<CatalogService>(dynamo, "idempotent")
{
    [Fact]
    public async Task Registering_twice_with_one_key_returns_the_same_author_and_registers_one()
    {
        var first = await PostAsync("/authors", new { name = "Retried Author" }, "register-1", HttpStatusCode.Created);
        var second = await PostAsync("/authors", new { name = "Retried Author" }, "register-1", HttpStatusCode.Created);

        Assert.Equal(ApiClient.Json(first), ApiClient.Json(second));
        var authors = ApiClient.Items(await Http.GetAsync("/authors"));
        Assert.Single(authors, a => a!["name"]!.GetValue<string>() == "Retried Author");
    }

    [Fact]
    public async Task Concurrent_creates_with_one_key_all_return_the_one_author_created()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 5)
            .Select(_ => PostAsync("/authors", new { name = "Concurrent Author" }, "register-concurrent", null)));

        // The first takes the key; the others find it in progress (409) or completed (201, replayed, the same author).
        Assert.All(results, r => Assert.True(r["authorId"] is not null || r["status"]!.GetValue<int>() == 409, r.ToJsonString()));
        Assert.Single(results.Where(r => r["authorId"] is not null).Select(r => r["authorId"]!.GetValue<string>()).Distinct());
        Assert.Single(ApiClient.Items(await Http.GetAsync("/authors")), a => a!["name"]!.GetValue<string>() == "Concurrent Author");
    }

    [Fact]
    public async Task Adding_a_book_twice_with_one_key_returns_the_same_book_and_adds_one()
    {
        var (authorId, _) = await Http.RegisterAuthorAsync("Book Retrier");
        var body = new { title = "Once", genre = "fantasy", price = 3m };

        var first = await PostAsync($"/authors/{authorId}/books", body, "book-1", HttpStatusCode.Created);
        var second = await PostAsync($"/authors/{authorId}/books", body, "book-1", HttpStatusCode.Created);

        Assert.Equal(first["bookId"]!.GetValue<string>(), second["bookId"]!.GetValue<string>());
        Assert.Single((await Http.GetAsync($"/authors/{authorId}"))["books"]!.AsArray());
    }

    [Fact]
    public async Task The_same_key_with_another_body_is_422_and_creates_nothing()
    {
        await PostAsync("/authors", new { name = "First Body" }, "reused-key", HttpStatusCode.Created);

        var problem = await PostAsync("/authors", new { name = "Second Body" }, "reused-key", HttpStatusCode.UnprocessableEntity);

        Assert.Contains("reused-key", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain(ApiClient.Items(await Http.GetAsync("/authors")), a => a!["name"]!.GetValue<string>() == "Second Body");
    }

    [Fact]
    public async Task Without_a_key_two_creates_make_two_authors()
    {
        var first = await Http.RegisterAuthorAsync("Twice Without Key");
        var second = await Http.RegisterAuthorAsync("Twice Without Key");

        Assert.NotEqual(first.AuthorId, second.AuthorId);
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("ääkköset")]
    public async Task A_malformed_key_is_400_naming_the_header(string key)
    {
        var problem = await PostAsync("/authors", new { name = "Bad Key" }, key, HttpStatusCode.BadRequest);

        Assert.True(problem["errors"]!.AsObject().ContainsKey("Idempotency-Key"));
    }

    [Fact]
    public async Task A_key_longer_than_100_characters_is_400_naming_the_header()
    {
        var problem = await PostAsync("/authors", new { name = "Long Key" }, new string('k', 101), HttpStatusCode.BadRequest);

        Assert.True(problem["errors"]!.AsObject().ContainsKey("Idempotency-Key"));
    }

    private async Task<JsonNode> PostAsync(string path, object body, string key, HttpStatusCode? expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        using var response = await Http.Http.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(expected is null || response.StatusCode == expected, $"Expected {(int?)expected}, got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }
}
