using Amazon.DynamoDBv2.Model;

namespace Microservices.Schema;

/// <summary>
/// The Queries that several places make of the table (TableSchema's access patterns), built once. Each is read with
/// strong consistency unless the caller says otherwise; a caller adds its own filter, projection or limit to the
/// request it gets.
/// </summary>
public static class Queries
{
    /// <summary>
    /// One partition of GSI1 in its sort key's order (every author by name, a genre's books by title, the orders in
    /// one status oldest first). The index is eventually consistent, so this is never a consistent read.
    /// </summary>
    public static QueryRequest IndexPartition(string table, string gsi1Partition) => new()
    {
        TableName = table,
        IndexName = TableSchema.Gsi1,
        KeyConditionExpression = "GSI1PK = :pk",
        ExpressionAttributeValues = new() { [":pk"] = new(gsi1Partition) },
    };

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

    /// <summary>A client's order heads in GSI2 (from migration 3 on), oldest first: no lines are in the index, so no filter.</summary>
    public static QueryRequest ClientOrdersV3(string table, string clientId) => new()
    {
        TableName = table,
        IndexName = TableSchema.Gsi2,
        KeyConditionExpression = "GSI2PK = :pk",
        ExpressionAttributeValues = new() { [":pk"] = new(Keys.ClientOrdersIndexKey(clientId)) },
    };

    /// <summary>An order and its lines in one place: its client's partition (before migration 3) or its own.</summary>
    public static QueryRequest OrderWithLines(string table, string clientId, string orderId, bool inOrderPartition) => new()
    {
        TableName = table,
        KeyConditionExpression = inOrderPartition ? "PK = :pk" : "PK = :pk AND begins_with(SK, :order)",
        ExpressionAttributeValues = inOrderPartition
            ? new() { [":pk"] = new(Keys.OrderPartition(orderId)) }
            : new() { [":pk"] = new(Keys.ClientPartition(clientId)), [":order"] = new(Keys.OrderWithLinesPrefix(orderId)) },
        ConsistentRead = true,
    };
}
