
namespace Microservices.Tests.Infrastructure;

/// <summary>Reads items straight from the table, bypassing the services, to see what they really wrote.</summary>
public static class TableItems
{
    public static Task<List<Dictionary<string, AttributeValue>>> GenreCopiesAsync(DynamoDbOptions tables) => OfTypeAsync(tables, ItemTypes.GenreBook);

    /// <summary>Every item of one type, read with a strongly consistent scan.</summary>
    public static async Task<List<Dictionary<string, AttributeValue>>> OfTypeAsync(DynamoDbOptions tables, string itemType)
    {
        using var client = DynamoDbLocalFixture.CreateClient(tables);
        return await client.ScanAllAsync(new ScanRequest
        {
            TableName = tables.TableName,
            FilterExpression = "ItemType = :type",
            ExpressionAttributeValues = new() { [":type"] = new(itemType) },
            ConsistentRead = true,
        }, TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);
    }

    public static Dictionary<string, AttributeValue> KeyOf(Dictionary<string, AttributeValue> item) =>
        new() { [Attributes.PK] = item[Attributes.PK], [Attributes.SK] = item[Attributes.SK] };
}
