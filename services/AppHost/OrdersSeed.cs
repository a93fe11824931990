using System.Net.Http.Json;

namespace AppHost;

/// <summary>A few orders of the seeded clients, placed through the Orders API like any client's would be.</summary>
public static class OrdersSeed
{
    /// <param name="clientIds">The seeded clients, in <see cref="Seed"/>'s order: Malin Persson first.</param>
    /// <param name="authorIds">The seeded authors, in <see cref="Seed"/>'s order: Herbert, Le Guin, Lindgren, Lagerlöf.</param>
    public static async Task OrdersAsync(
        Uri orders, string token, IReadOnlyList<string> clientIds, IReadOnlyList<string> authorIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clientIds);
        ArgumentNullException.ThrowIfNull(authorIds);
        using var http = Seed.Http(orders, token);
        var first = await PlaceAsync(http, clientIds[0], cancellationToken,
            new { authorId = authorIds[0], title = "Dune", quantity = 1 },
            new { authorId = authorIds[1], title = "A Wizard of Earthsea", quantity = 2 });
        await PlaceAsync(http, clientIds[0], cancellationToken, new { authorId = authorIds[3], title = "The Wonderful Adventures of Nils", quantity = 1 });
        await PlaceAsync(http, clientIds[1], cancellationToken, new { authorId = authorIds[2], title = "Pippi Longstocking", quantity = 3 });
        using var paid = await http.PostAsJsonAsync($"/clients/{clientIds[0]}/orders/{first}/pay", new { expectedVersion = 1 }, cancellationToken);
        paid.EnsureSuccessStatusCode();
    }

    private static async Task<string> PlaceAsync(HttpClient http, string clientId, CancellationToken cancellationToken, params object[] lines)
    {
        using var response = await http.PostAsJsonAsync($"/clients/{clientId}/orders", new { lines }, cancellationToken);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<Placed>(cancellationToken))!.OrderId;
    }

    private sealed record Placed(string OrderId, long Version, decimal Total);
}
