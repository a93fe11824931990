using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Microservices.Tests.Clients;

/// <summary>Thin helpers over the Clients HTTP API, so tests read as the requests a caller sends.</summary>
public sealed class ClientsHttp(HttpClient http)
{
    public HttpClient Http { get; } = http;

    public async Task<(string ClientId, long Version)> RegisterAsync(
        string name, string email = "someone@example.se", IReadOnlyDictionary<string, string>? phones = null)
    {
        var body = await SendAsync(HttpMethod.Post, "/clients", new { name, email, phones }, HttpStatusCode.Created);
        return (body["clientId"]!.GetValue<string>(), body["version"]!.GetValue<long>());
    }

    public async Task<long> SetPhoneAsync(string clientId, string type, string number, long expectedVersion)
    {
        var body = await SendAsync(HttpMethod.Put, $"/clients/{clientId}/phones/{Uri.EscapeDataString(type)}", new { number, expectedVersion }, HttpStatusCode.OK);
        return body["version"]!.GetValue<long>();
    }

    public async Task<(string AddressId, long Version)> AddAddressAsync(string clientId, long expectedVersion, string street = "Storgatan 12", string city = "Malmö")
    {
        var body = await SendAsync(HttpMethod.Post, $"/clients/{clientId}/addresses",
            new { street, city, postalCode = "211 34", country = "Sweden", expectedVersion }, HttpStatusCode.Created);
        return (body["addressId"]!.GetValue<string>(), body["version"]!.GetValue<long>());
    }

    public async Task<JsonNode> GetAsync(string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await Http.GetAsync(path, TestContext.Current.CancellationToken);
        return await ReadAsync(response, expected);
    }

    public async Task<JsonNode> SendAsync(
        HttpMethod method, string path, object? body, HttpStatusCode expected, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
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

    public static IReadOnlyDictionary<string, string> Phones(JsonNode client) =>
        client["phones"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());

    public static IReadOnlyList<string> ErrorFields(JsonNode problem) =>
        problem["errors"]!.AsObject().Select(e => e.Key).ToList();

    private static async Task<JsonNode> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text) ?? new JsonObject();
    }
}
