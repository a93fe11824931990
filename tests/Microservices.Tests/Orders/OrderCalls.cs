
namespace Microservices.Tests.Orders;

/// <summary>The Orders API's requests that tests make most, over the one <see cref="ApiClient"/>.</summary>
public static class OrderCalls
{
    public static object Line(string authorId, string? bookId = null, string? title = null, int quantity = 1) =>
        new { authorId, bookId, title, quantity };

    public static async Task<(string OrderId, long Version, decimal Total)> PlaceAsync(this ApiClient api, string clientId, params object[] lines)
    {
        var body = await api.SendAsync(HttpMethod.Post, $"/clients/{clientId}/orders", new { lines }, HttpStatusCode.Created);
        return (body["orderId"]!.GetValue<string>(), body["version"]!.GetValue<long>(), body["total"]!.GetValue<decimal>());
    }

    public static async Task<long> ChangeAsync(this ApiClient api, string clientId, string orderId, string verb, long expectedVersion)
    {
        var body = await api.SendAsync(HttpMethod.Post, $"/clients/{clientId}/orders/{orderId}/{verb}", new { expectedVersion }, HttpStatusCode.OK);
        return body["version"]!.GetValue<long>();
    }
}
