using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Microservices.Tests.Orders;

/// <summary>Thin helpers over the Orders HTTP API, so tests read as the requests a client sends.</summary>
public sealed class OrdersClient(HttpClient http)
{
    public HttpClient Http { get; } = http;

    public static object Line(string authorId, string? bookId = null, string? title = null, int quantity = 1) =>
        new { authorId, bookId, title, quantity };

    public async Task<(string OrderId, long Version, decimal Total)> PlaceAsync(string clientId, params object[] lines)
    {
        var body = await SendAsync(HttpMethod.Post, $"/clients/{clientId}/orders", new { lines }, HttpStatusCode.Created);
        return (body["orderId"]!.GetValue<string>(), body["version"]!.GetValue<long>(), body["total"]!.GetValue<decimal>());
    }

    public async Task<long> ChangeAsync(string clientId, string orderId, string verb, long expectedVersion)
    {
        var body = await SendAsync(HttpMethod.Post, $"/clients/{clientId}/orders/{orderId}/{verb}", new { expectedVersion }, HttpStatusCode.OK);
        return body["version"]!.GetValue<long>();
    }

    public async Task<JsonNode> GetAsync(string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await Http.GetAsync(path, TestContext.Current.CancellationToken);
        return await ReadAsync(response, expected);
    }

    public async Task<JsonNode> SendAsync(
        HttpMethod method, string path, object? body, HttpStatusCode expected, IReadOnlyDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.Add(name, value);
        }

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
}
