using System.Globalization;
using Amazon.DynamoDBv2.Model;
using Microservices.SingleTable;

namespace Microservices.EventSourcing;

/// <summary>
/// Puts an aggregate's canonical item in the events' transaction, conditioned on the version the command loaded,
/// so the item can never fall behind or run ahead of its event stream.
/// </summary>
public static class CanonicalWrite
{
    public static GuardedWrite Put(string table, Dictionary<string, AttributeValue> item, StreamName stream, long expectedVersion) =>
        new(
            new TransactWriteItem
            {
                Put = expectedVersion == 0
                    ? new Put { TableName = table, Item = item, ConditionExpression = "attribute_not_exists(PK)" }
                    : new Put
                    {
                        TableName = table,
                        Item = item,
                        ConditionExpression = "Version = :expected",
                        ExpressionAttributeValues = new()
                        {
                            [":expected"] = new AttributeValue { N = expectedVersion.ToString(CultureInfo.InvariantCulture) },
                        },
                    },
            },
            () => new VersionConflictException(stream.ToString(), expectedVersion));
}
