
namespace Microservices.Tests.Clients;

/// <summary>The Clients API's requests that tests make most, over the one <see cref="ApiClient"/>.</summary>
public static class ClientCalls
{
    public static async Task<(string ClientId, long Version)> RegisterAsync(
        this ApiClient api, string name, string email = "someone@example.se", IReadOnlyDictionary<string, string>? phones = null)
    {
        var body = await api.SendAsync(HttpMethod.Post, "/clients", new { name, email, phones }, HttpStatusCode.Created);
        return (body["clientId"]!.GetValue<string>(), body["version"]!.GetValue<long>());
    }

    public static async Task<long> SetPhoneAsync(this ApiClient api, string clientId, string type, string number, long expectedVersion)
    {
        var body = await api.SendAsync(HttpMethod.Put, $"/clients/{clientId}/phones/{Uri.EscapeDataString(type)}", new { number, expectedVersion }, HttpStatusCode.OK);
        return body["version"]!.GetValue<long>();
    }

    public static async Task<(string AddressId, long Version)> AddAddressAsync(
        this ApiClient api, string clientId, long expectedVersion, string street = "Storgatan 12", string city = "Malmö")
    {
        var body = await api.SendAsync(HttpMethod.Post, $"/clients/{clientId}/addresses",
            new { street, city, postalCode = "211 34", country = "Sweden", expectedVersion }, HttpStatusCode.Created);
        return (body["addressId"]!.GetValue<string>(), body["version"]!.GetValue<long>());
    }

    public static IReadOnlyDictionary<string, string> Phones(JsonNode client) =>
        client["phones"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());
}
