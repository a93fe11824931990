using Catalog.Api;

namespace Microservices.Tests.Security;

/// <summary>
/// What the black-box fuzz of issue 13 found, each as the request that found it: 500s from a charset the server does
/// not have and from a title prefix longer than a sort key, 400s that did not name their field, invisible names and
/// duplicate JSON keys accepted. Each must now be a 4xx ProblemDetails naming the field or the limit.
/// </summary>
public sealed class FuzzFindingsTests(DynamoDbLocalFixture dynamo) : ApiTest<CatalogService>(dynamo, "fuzz-findings")
{
    [Theory]
    [InlineData("application/json; charset=bogus")]
    [InlineData("application/json; charset=utf-7")]
    [InlineData("application/json; charset=")]
    [InlineData("application/json; charset=\"latin1\"")]
    [InlineData("application/problem+json; charset=bogus")]
    public async Task A_json_body_in_a_charset_other_than_utf8_is_a_415_naming_the_content_type(string contentType)
    {
        var (status, problem) = await PostAuthorAsync(contentType);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.Equal(["Content-Type"], ApiClient.ErrorFields(problem));
        Assert.Empty(await TableItems.OfTypeAsync(Tables, ItemTypes.Author));
    }

    [Theory]
    [InlineData("application/json; charset=\"utf-8\"")]
    [InlineData("application/json; charset=UTF-8")]
    [InlineData("application/json;charset=utf-8")]
    public async Task Utf8_named_in_any_legal_spelling_is_read(string contentType)
    {
        var (status, created) = await PostAuthorAsync(contentType);

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("Tove Jansson", (await Http.GetAsync($"/authors/{created["authorId"]!.GetValue<string>()}"))["name"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(1020, "a")]
    [InlineData(400, "#")]
    [InlineData(400, "€")]
    public async Task A_title_prefix_longer_than_a_sort_key_allows_is_a_400_naming_startsWith_even_for_an_unknown_author(int count, string character)
    {
        var prefix = Uri.EscapeDataString(string.Concat(Enumerable.Repeat(character, count)));

        var problem = await Http.GetAsync($"/authors/{Ids.New()}/books?startsWith={prefix}", HttpStatusCode.BadRequest);

        Assert.Equal(["startsWith"], ApiClient.ErrorFields(problem));
        Assert.Contains("1,024", problem["errors"]!["startsWith"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        // Just inside the limit, the prefix is measured and used: an unknown author is a 404.
        await Http.GetAsync($"/authors/{Ids.New()}/books?startsWith={Uri.EscapeDataString(new string('a', 300))}", HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("{\"name\": 42}", "name", "wrong type")]
    [InlineData("{\"name\": \"Tove\", \"nickname\": \"T\"}", "nickname", "not a field")]
    [InlineData("{\"name\": \"Tove\"", "body", "not valid JSON")]
    [InlineData("{\"name\": \"Tove\", \"name\": \"Moomin\"}", "name", "more than once")]
    [InlineData("{\"name\": \"Tove\", \"Name\": \"Moomin\"}", "Name", "more than once")]
    public async Task A_body_that_cannot_be_read_is_a_400_naming_the_field_in_words_of_the_api(string json, string field, string words)
    {
        var problem = await Http.SendRawAsync(HttpMethod.Post, "/authors", json, HttpStatusCode.BadRequest);

        var message = Assert.Single(problem["errors"]![field]!.AsArray())!.GetValue<string>();
        Assert.Contains(words, message, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", message, StringComparison.Ordinal);
        Assert.Empty(await TableItems.OfTypeAsync(Tables, ItemTypes.Author));
    }

    [Theory]
    [InlineData("\u200B")]
    [InlineData("\uFEFF")]
    [InlineData("\u200B\u200D\u2060")]
    [InlineData("\uFEFFTove")]
    [InlineData("Tove\u200E")]
    public async Task A_name_of_invisible_characters_or_with_one_at_an_end_is_a_400_naming_it(string name)
    {
        var problem = await Http.SendAsync(HttpMethod.Post, "/authors", new { name }, HttpStatusCode.BadRequest);

        Assert.Equal(["name"], ApiClient.ErrorFields(problem));
        // Inside a name, a joiner is text (emoji and several scripts need it).
        await Http.SendAsync(HttpMethod.Post, "/authors", new { name = "Tove\u200DJansson" }, HttpStatusCode.Created);
    }

    private async Task<(HttpStatusCode Status, JsonNode Body)> PostAuthorAsync(string contentType)
    {
        using var content = new ByteArrayContent("{\"name\": \"Tove Jansson\"}"u8.ToArray());
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        using var response = await Http.Http.PostAsync("/authors", content, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, JsonNode.Parse(text)!);
    }
}
