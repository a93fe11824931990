using System.Net.Http.Json;

namespace AppHost;

/// <summary>A few authors and their books, and a few clients, written through the APIs so a newcomer sees data at once.</summary>
public static class Seed
{
    private static readonly (string Author, (string Title, string Genre, decimal Price)[] Books)[] Catalog =
    [
        ("Frank Herbert", [("Dune", "science-fiction", 10.99m), ("Dune Messiah", "science-fiction", 9.99m), ("Children of Dune", "science-fiction", 9.99m)]),
        ("Ursula K. Le Guin", [("A Wizard of Earthsea", "fantasy", 8.99m), ("The Left Hand of Darkness", "science-fiction", 11.50m), ("The Dispossessed", "science-fiction", 11.50m)]),
        ("Astrid Lindgren", [("Pippi Longstocking", "children", 7.99m), ("The Brothers Lionheart", "fantasy", 8.50m), ("Ronia, the Robber's Daughter", "children", 7.99m)]),
        ("Selma Lagerlöf", [("The Wonderful Adventures of Nils", "children", 9.50m)]),
    ];

    public static async Task<IReadOnlyList<string>> CatalogAsync(Uri catalog, string token, CancellationToken cancellationToken)
    {
        using var http = Http(catalog, token);
        var authorIds = new List<string>();
        foreach (var (name, books) in Catalog)
        {
            var author = await PostAsync<AuthorCreated>(http, "/authors", new { name }, cancellationToken);
            authorIds.Add(author.AuthorId);
            foreach (var (title, genre, price) in books)
            {
                await PostAsync<object>(http, $"/authors/{author.AuthorId}/books", new { title, genre, price }, cancellationToken);
            }
        }

        return authorIds;
    }

    private static readonly (string Name, string Email, Dictionary<string, string> Phones, (string Street, string City, string PostalCode, string Country)[] Addresses)[] Clients =
    [
        ("Malin Persson", "malin.persson@example.se",
            new() { ["mobile"] = "070-123 45 67", ["home"] = "040-12 34 56", ["work"] = "08-555 012 34" },
            [("Storgatan 12", "Malmö", "211 34", "Sweden"), ("Sjövägen 3", "Båstad", "269 33", "Sweden")]),
        ("Erik Lindqvist", "erik.lindqvist@example.se",
            new() { ["mobile"] = "073-987 65 43", ["home"] = "031-70 00 00" },
            [("Vasagatan 7", "Göteborg", "411 24", "Sweden")]),
        ("Aino Virtanen", "aino.virtanen@example.fi",
            new() { ["mobile"] = "+358 40 123 4567", ["work"] = "+358 9 310 1691" },
            []),
    ];

    /// <summary>The clients, their numbers (a map on the client item) and their addresses (items in the client's collection).</summary>
    public static async Task<IReadOnlyList<string>> ClientsAsync(Uri clients, string token, CancellationToken cancellationToken)
    {
        using var http = Http(clients, token);
        var clientIds = new List<string>();
        foreach (var (name, email, phones, addresses) in Clients)
        {
            var client = await PostAsync<ClientCreated>(http, "/clients", new { name, email, phones }, cancellationToken);
            clientIds.Add(client.ClientId);
            var version = client.Version;
            foreach (var (street, city, postalCode, country) in addresses)
            {
                version = (await PostAsync<AddressAdded>(http, $"/clients/{client.ClientId}/addresses",
                    new { street, city, postalCode, country, expectedVersion = version }, cancellationToken)).Version;
            }
        }

        return clientIds;
    }

    /// <summary>The seeded clients' names, in the order <see cref="ClientsAsync"/> returns their ids: Malin Persson first.</summary>
    public static IReadOnlyList<string> ClientNames { get; } = [.. Clients.Select(c => c.Name)];

    /// <summary>A client of one of the APIs that sends <paramref name="token"/>.</summary>
    public static HttpClient Http(Uri api, string token)
    {
        var http = new HttpClient { BaseAddress = api };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private static async Task<T> PostAsync<T>(HttpClient http, string path, object body, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync(path, body, cancellationToken);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<T>(cancellationToken))!;
    }

    private sealed record AuthorCreated(string AuthorId, long Version);

    private sealed record ClientCreated(string ClientId, long Version);

    private sealed record AddressAdded(string AddressId, long Version);
}
