using Amazon.DynamoDBv2.Model;

namespace Microservices.Schema;

/// <summary>
/// The Queries that several places make of the table (TableSchema's access patterns), built once. Each is read with
/// strong consistency unless the caller says otherwise; a caller adds its own filter, projection or limit to the
/// request it gets.
/// </summary>
public static class Queries
{
    /// <summary>An author's books whose title starts with <paramref name="titlePrefix"/> (all of them by default), sorted by title.</summary>
    public static QueryRequest AuthorBooks(string table, string authorId, string titlePrefix = "") => new()
    {
        TableName = table,
        KeyConditionExpression = "PK = :pk AND begins_with(SK, :books)",
        ExpressionAttributeValues = new()
        {
            [":pk"] = new(Keys.AuthorPartition(authorId)),
            [":books"] = new(Keys.BooksStartingWith(titlePrefix)),
        },
        ConsistentRead = true,
    };

    /// <summary>
    /// A client's orders without their lines, oldest first (read backwards for newest first). The lines share the
    /// orders' prefix, so no key condition leaves them out; the filter on ItemType does, after the read.
    /// </summary>
    public static QueryRequest ClientOrders(string table, string clientId, bool consistentRead = true) => new()
    {
        TableName = table,
        KeyConditionExpression = "PK = :pk AND begins_with(SK, :orders)",
        FilterExpression = "ItemType = :order",
        ExpressionAttributeValues = new()
        {
            [":pk"] = new(Keys.ClientPartition(clientId)),
            [":orders"] = new(Keys.OrdersPrefix),
            [":order"] = new(ItemTypes.Order),
        },
        ConsistentRead = consistentRead,
    };
}
