using System.Globalization;
using Amazon.DynamoDBv2.Model;
using Microservices.SingleTable;

namespace Microservices.EventSourcing;

/// <summary>
/// Writes an aggregate's canonical item in the events' transaction, conditioned on the version the command loaded,
/// so the item can never fall behind or run ahead of its event stream.
/// </summary>
public static class CanonicalWrite
{
    /// <summary>
    /// An Update that SETs every attribute of <paramref name="item"/> but its key, where no item is for a create
    /// (<paramref name="expectedVersion"/> 0: <c>attribute_not_exists(PK)</c>) or over <c>Version = :expected</c>. An
    /// attribute the item does not name is kept, so a command cannot drop what another write maintains on the same item
    /// (the author's <c>BookAdds</c>); <paramref name="optional"/> names the attributes this writer owns that the item
    /// may lack, which are removed when it does (a client's phones once the last one is gone). A failed condition is a
    /// <see cref="VersionConflictException"/> at the version loaded.
    /// </summary>
    public static GuardedWrite Update(
        string table, Dictionary<string, AttributeValue> item, StreamName stream, long expectedVersion, IEnumerable<string>? optional = null)
    {
        ArgumentNullException.ThrowIfNull(item);
        DynamoDbLimits.CheckItem(item);
        var names = new Dictionary<string, string>();
        var values = new Dictionary<string, AttributeValue>();
        var set = new List<string>();
        foreach (var (name, value) in item.Where(a => a.Key is not TableLayout.PK and not TableLayout.SK))
        {
            var n = names.Count;
            names[$"#a{n}"] = name;
            values[$":a{n}"] = value;
            set.Add($"#a{n} = :a{n}");
        }

        var remove = new List<string>();
        foreach (var name in (optional ?? []).Where(name => !item.ContainsKey(name)).Distinct(StringComparer.Ordinal))
        {
            var n = names.Count;
            names[$"#a{n}"] = name;
            remove.Add($"#a{n}");
        }

        if (expectedVersion != 0)
        {
            values[":expected"] = new AttributeValue { N = expectedVersion.ToString(CultureInfo.InvariantCulture) };
        }

        return new(
            new TransactWriteItem
            {
                Update = new Update
                {
                    TableName = table,
                    Key = new() { [TableLayout.PK] = item[TableLayout.PK], [TableLayout.SK] = item[TableLayout.SK] },
                    UpdateExpression = remove.Count == 0
                        ? $"SET {string.Join(", ", set)}"
                        : $"SET {string.Join(", ", set)} REMOVE {string.Join(", ", remove)}",
                    ConditionExpression = expectedVersion == 0 ? "attribute_not_exists(PK)" : "Version = :expected",
                    ExpressionAttributeNames = names,
                    ExpressionAttributeValues = values,
                },
            },
            () => new VersionConflictException(stream.ToString(), expectedVersion));
    }
}
