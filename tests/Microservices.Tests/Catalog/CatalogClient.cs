using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Microservices.Tests.Catalog;

/// <summary>Thin helpers over the Catalog HTTP API, so tests read as the requests a client sends.</summary>
public sealed class CatalogClient(HttpClient http)
{
    public HttpClient Http { get; } = http;

    public async Task<(string AuthorId, long Version)> RegisterAuthorAsync(string name)
    {
        var body = await SendAsync(HttpMethod.Post, "/authors", new { name }, HttpStatusCode.Created);
        return (body["authorId"]!.GetValue<string>(), body["version"]!.GetValue<long>());
    }

    public async Task<(string BookId, long Version)> AddBookAsync(string authorId, string title, string genre = "fantasy", decimal price = 9.99m)
    {
        var body = await SendAsync(HttpMethod.Post, $"/authors/{authorId}/books", new { title, genre, price }, HttpStatusCode.Created);
        return (body["bookId"]!.GetValue<string>(), body["version"]!.GetValue<long>());
    }

    public async Task<long> RenameAuthorAsync(string authorId, string name, long expectedVersion)
    {
        var body = await SendAsync(HttpMethod.Put, $"/authors/{authorId}/name", new { name, expectedVersion }, HttpStatusCode.OK);
        return body["version"]!.GetValue<long>();
    }

    public async Task<JsonNode> GetAsync(string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await Http.GetAsync(path, TestContext.Current.CancellationToken);
        return await ReadAsync(response, expected);
    }

    public async Task<JsonNode> SendAsync(HttpMethod method, string path, object? body, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await Http.SendAsync(request, TestContext.Current.CancellationToken);
        return await ReadAsync(response, expected);
    }

    public async Task<JsonNode> SendRawAsync(HttpMethod method, string path, string json, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, path)
        {
            Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json"),
        };
        using var response = await Http.SendAsync(request, TestContext.Current.CancellationToken);
        return await ReadAsync(response, expected);
    }

    private static async Task<JsonNode> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text) ?? new JsonObject();
    }

    /// <summary>The items of a list answer: a page (<c>{items, nextCursor}</c>) or a plain array (an author's books).</summary>
    public static JsonArray Items(JsonNode list) =>
        list is JsonObject page ? page["items"]!.AsArray() : list.AsArray();

    public static IReadOnlyList<string> Titles(JsonNode list) =>
        Items(list).Select(b => b!["title"]!.GetValue<string>()).ToList();

    public static string Json(JsonNode node) => node.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
}
