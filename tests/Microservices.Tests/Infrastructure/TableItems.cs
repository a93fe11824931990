
namespace Microservices.Tests.Infrastructure;

/// <summary>Reads items straight from the table, bypassing the services, to see what they really wrote.</summary>
public static class TableItems
{
    public static async Task<List<Dictionary<string, AttributeValue>>> GenreCopiesAsync(DynamoDbOptions tables)
    {
        using var client = DynamoDbLocalFixture.CreateClient(tables);
        return await client.ScanAllAsync(new ScanRequest
        {
            TableName = tables.TableName,
            FilterExpression = "ItemType = :copy",
            ExpressionAttributeValues = new() { [":copy"] = new(ItemTypes.GenreBook) },
            ConsistentRead = true,
        }, TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);
    }

    public static Dictionary<string, AttributeValue> KeyOf(Dictionary<string, AttributeValue> item) =>
        new() { [Attributes.PK] = item[Attributes.PK], [Attributes.SK] = item[Attributes.SK] };
}
