using System.Globalization;
using System.Net.Http.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microservices.Shared.EventSourcing;
using Microservices.Shared.Schema;

namespace AppHost;

/// <summary>
/// A few clients and their orders. The Clients service is being built in parallel, so its API cannot be called yet:
/// the client items are written directly, exactly as TableSchema.Client declares them (Keys.Client, the name index
/// keys, the phones as a map). The orders go through the Orders API like any client's would.
/// </summary>
public static class OrdersSeed
{
    private static readonly (string Name, string Email, string Mobile)[] Clients =
    [
        ("Malin Persson", "malin@example.se", "+46 70 123 45 67"),
        ("Per Andersson", "per@example.se", "+46 73 765 43 21"),
    ];

    /// <param name="authorIds">The seeded authors, in <see cref="Seed"/>'s order: Herbert, Le Guin, Lindgren, Lagerlöf.</param>
    public static async Task<IReadOnlyList<string>> OrdersAsync(
        Uri orders, IAmazonDynamoDB dynamo, string table, IReadOnlyList<string> authorIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorIds);
        var clientIds = new List<string>();
        foreach (var (name, email, mobile) in Clients)
        {
            clientIds.Add(await WriteClientAsync(dynamo, table, name, email, mobile, cancellationToken));
        }

        using var http = new HttpClient { BaseAddress = orders };
        var first = await PlaceAsync(http, clientIds[0], cancellationToken,
            new { authorId = authorIds[0], title = "Dune", quantity = 1 },
            new { authorId = authorIds[1], title = "A Wizard of Earthsea", quantity = 2 });
        await PlaceAsync(http, clientIds[0], cancellationToken, new { authorId = authorIds[3], title = "The Wonderful Adventures of Nils", quantity = 1 });
        await PlaceAsync(http, clientIds[1], cancellationToken, new { authorId = authorIds[2], title = "Pippi Longstocking", quantity = 3 });
        using var paid = await http.PostAsJsonAsync($"/orders/{clientIds[0]}/{first}/pay", new { expectedVersion = 1 }, cancellationToken);
        paid.EnsureSuccessStatusCode();
        return clientIds;
    }

    private static async Task<string> WriteClientAsync(
        IAmazonDynamoDB dynamo, string table, string name, string email, string mobile, CancellationToken cancellationToken)
    {
        var clientId = Ids.New();
        var key = Keys.Client(clientId);
        await dynamo.PutItemAsync(new PutItemRequest
        {
            TableName = table,
            Item = new()
            {
                [Attributes.PK] = new(key.PK),
                [Attributes.SK] = new(key.SK),
                [Attributes.GSI1PK] = new(Keys.ClientNameIndexKey(name)),
                [Attributes.GSI1SK] = new(key.SK),
                [Attributes.ItemType] = new(ItemTypes.Client),
                [Attributes.ClientId] = new(clientId),
                [Attributes.Name] = new(name),
                [Attributes.Email] = new(email),
                [Attributes.Phones] = new() { M = new() { ["mobile"] = new(mobile) } },
                [Attributes.Version] = new() { N = 1.ToString(CultureInfo.InvariantCulture) },
            },
            ConditionExpression = "attribute_not_exists(PK)",
        }, cancellationToken);
        return clientId;
    }

    private static async Task<string> PlaceAsync(HttpClient http, string clientId, CancellationToken cancellationToken, params object[] lines)
    {
        using var response = await http.PostAsJsonAsync($"/clients/{clientId}/orders", new { lines }, cancellationToken);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<Placed>(cancellationToken))!.OrderId;
    }

    private sealed record Placed(string OrderId, long Version, decimal Total);
}
