using System.Globalization;
using Amazon.DynamoDBv2.Model;

namespace Microservices.SingleTable;

/// <summary>
/// A write that travels in the same transaction as the events, and what its failed condition means to the
/// caller (a missing parent is a 404, a taken title a 409...).
/// </summary>
public sealed record GuardedWrite(TransactWriteItem Item, Func<Exception> WhenConditionFails)
{
    /// <summary>Puts an item where none is; a taken key means <paramref name="whenTaken"/>.</summary>
    public static GuardedWrite PutNew(string table, Dictionary<string, AttributeValue> item, Func<Exception> whenTaken) => new(
        new TransactWriteItem { Put = new Put { TableName = table, Item = item, ConditionExpression = "attribute_not_exists(PK)" } },
        whenTaken);

    /// <summary>Deletes an item conditioned on its version (and any further <paramref name="condition"/>).</summary>
    public static GuardedWrite Delete(
        string table, ItemKey key, long expectedVersion, Func<Exception> whenChanged, string? condition = null,
        Dictionary<string, AttributeValue>? values = null)
    {
        var expected = new Dictionary<string, AttributeValue>(values ?? [])
        {
            [":expected"] = new() { N = expectedVersion.ToString(CultureInfo.InvariantCulture) },
        };
        return new(
            new TransactWriteItem
            {
                Delete = new Delete
                {
                    TableName = table,
                    Key = new() { [TableLayout.PK] = new(key.PK), [TableLayout.SK] = new(key.SK) },
                    ConditionExpression = condition is null ? "Version = :expected" : $"Version = :expected AND {condition}",
                    ExpressionAttributeValues = expected,
                },
            },
            whenChanged);
    }
}
