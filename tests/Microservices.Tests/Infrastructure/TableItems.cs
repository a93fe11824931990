
namespace Microservices.Tests.Infrastructure;

/// <summary>Reads items straight from the table, bypassing the services, to see what they really wrote.</summary>
public static class TableItems
{
    public static Task<List<Dictionary<string, AttributeValue>>> GenreCopiesAsync(DynamoDbOptions tables) => OfTypeAsync(tables, ItemTypes.GenreBook);

    /// <summary>Every item of one type, read with a strongly consistent scan.</summary>
    public static Task<List<Dictionary<string, AttributeValue>>> OfTypeAsync(DynamoDbOptions tables, string itemType) =>
        ScanAsync(tables, new ScanRequest
        {
            FilterExpression = "ItemType = :type",
            ExpressionAttributeValues = new() { [":type"] = new(itemType) },
        });

    /// <summary>Every item of the table, read with a strongly consistent scan.</summary>
    public static Task<List<Dictionary<string, AttributeValue>>> AllAsync(DynamoDbOptions tables) => ScanAsync(tables, new ScanRequest());

    private static async Task<List<Dictionary<string, AttributeValue>>> ScanAsync(DynamoDbOptions tables, ScanRequest request)
    {
        using var client = DynamoDbLocalFixture.CreateClient(tables);
        request.TableName = tables.TableName;
        request.ConsistentRead = true;
        return await client.ScanAllAsync(request, TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);
    }

    public static Dictionary<string, AttributeValue> KeyOf(Dictionary<string, AttributeValue> item) =>
        new() { [Attributes.PK] = item[Attributes.PK], [Attributes.SK] = item[Attributes.SK] };
}
