
namespace Microservices.Tests.Catalog;

/// <summary>The Catalog API's requests that tests make most, over the one <see cref="ApiClient"/>.</summary>
public static class CatalogCalls
{
    public static async Task<(string AuthorId, long Version)> RegisterAuthorAsync(this ApiClient api, string name)
    {
        var body = await api.SendAsync(HttpMethod.Post, "/authors", new { name }, HttpStatusCode.Created);
        return (body["authorId"]!.GetValue<string>(), body["version"]!.GetValue<long>());
    }

    public static async Task<(string BookId, long Version)> AddBookAsync(
        this ApiClient api, string authorId, string title, string genre = "fantasy", decimal price = 9.99m)
    {
        var body = await api.SendAsync(HttpMethod.Post, $"/authors/{authorId}/books", new { title, genre, price }, HttpStatusCode.Created);
        return (body["bookId"]!.GetValue<string>(), body["version"]!.GetValue<long>());
    }

    public static async Task<long> RenameAuthorAsync(this ApiClient api, string authorId, string name, long expectedVersion)
    {
        var body = await api.SendAsync(HttpMethod.Put, $"/authors/{authorId}/name", new { name, expectedVersion }, HttpStatusCode.OK);
        return body["version"]!.GetValue<long>();
    }

    public static IReadOnlyList<string> Titles(JsonNode list) =>
        ApiClient.Items(list).Select(b => b!["title"]!.GetValue<string>()).ToList();
}
