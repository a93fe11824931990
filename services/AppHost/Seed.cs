using System.Net.Http.Json;

namespace AppHost;

/// <summary>A few authors and their books, written through the Catalog API so a newcomer sees data at once.</summary>
public static class Seed
{
    private static readonly (string Author, (string Title, string Genre, decimal Price)[] Books)[] Catalog =
    [
        ("Frank Herbert", [("Dune", "science-fiction", 10.99m), ("Dune Messiah", "science-fiction", 9.99m), ("Children of Dune", "science-fiction", 9.99m)]),
        ("Ursula K. Le Guin", [("A Wizard of Earthsea", "fantasy", 8.99m), ("The Left Hand of Darkness", "science-fiction", 11.50m), ("The Dispossessed", "science-fiction", 11.50m)]),
        ("Astrid Lindgren", [("Pippi Longstocking", "children", 7.99m), ("The Brothers Lionheart", "fantasy", 8.50m), ("Ronia, the Robber's Daughter", "children", 7.99m)]),
        ("Selma Lagerlöf", [("The Wonderful Adventures of Nils", "children", 9.50m)]),
    ];

    public static async Task<IReadOnlyList<string>> CatalogAsync(Uri catalog, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = catalog };
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

    private static async Task<T> PostAsync<T>(HttpClient http, string path, object body, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync(path, body, cancellationToken);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<T>(cancellationToken))!;
    }

    private sealed record AuthorCreated(string AuthorId, long Version);
}
