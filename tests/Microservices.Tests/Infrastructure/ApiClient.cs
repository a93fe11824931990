using System.Net.Http.Json;
using System.Text.Json;

namespace Microservices.Tests.Infrastructure;

/// <summary>
/// Thin helpers over any of the HTTP APIs, so tests read as the requests a caller sends: each call says the status it
/// expects and returns the body as JSON. What is particular to one API is in its extension class
/// (<c>CatalogCalls</c>, <c>ClientCalls</c>, <c>OrderCalls</c>).
/// </summary>
public sealed class ApiClient(HttpClient http)
{
    public HttpClient Http { get; } = http;

    public async Task<JsonNode> GetAsync(string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await Http.GetAsync(path, TestContext.Current.CancellationToken);
        return await ReadAsync(response, expected);
    }

    /// <param name="headers">Request headers, such as <c>Idempotency-Key</c>.</param>
    public Task<JsonNode> SendAsync(
        HttpMethod method, string path, object? body, HttpStatusCode expected, IReadOnlyDictionary<string, string>? headers = null) =>
        SendAsync(method, path, body is null ? null : JsonContent.Create(body), expected, headers);

    /// <summary>A body sent as written, for JSON that no object serialises to (a wrong type, a missing brace).</summary>
    public Task<JsonNode> SendRawAsync(HttpMethod method, string path, string json, HttpStatusCode expected) =>
        SendAsync(method, path, new StringContent(json, System.Text.Encoding.UTF8, "application/json"), expected, null);

    /// <summary>The one header a create takes to be safe to retry.</summary>
    public static IReadOnlyDictionary<string, string> IdempotencyKey(string key) =>
        new Dictionary<string, string> { ["Idempotency-Key"] = key };

    /// <summary>The items of a list answer: a page (<c>{items, nextCursor}</c>) or a plain array (an author's books).</summary>
    public static JsonArray Items(JsonNode list) =>
        list is JsonObject page ? page["items"]!.AsArray() : list.AsArray();

    /// <summary>The fields a validation problem names.</summary>
    public static IReadOnlyList<string> ErrorFields(JsonNode problem) =>
        problem["errors"]!.AsObject().Select(e => e.Key).ToList();

    public static string Json(JsonNode node) => node.ToJsonString(new JsonSerializerOptions { WriteIndented = false });

    private async Task<JsonNode> SendAsync(
        HttpMethod method, string path, HttpContent? content, HttpStatusCode expected, IReadOnlyDictionary<string, string>? headers)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await Http.SendAsync(request, TestContext.Current.CancellationToken);
        return await ReadAsync(response, expected);
    }

    private static async Task<JsonNode> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text) ?? new JsonObject();
    }
}
