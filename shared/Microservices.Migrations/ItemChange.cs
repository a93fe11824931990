using Amazon.DynamoDBv2.Model;
using Microservices.SingleTable;

namespace Microservices.Migrations;

/// <summary>
/// What a migration does to one visited item: the writes that make the change, all or none (they travel in one
/// transaction with the backfill's checkpoint), and the items before and after it, which a plan shows as samples and
/// prices in write units.
/// </summary>
public sealed record ItemChange(
    IReadOnlyList<Dictionary<string, AttributeValue>> Before,
    IReadOnlyList<Dictionary<string, AttributeValue>> After,
    IReadOnlyList<TransactWriteItem> Writes)
{
    /// <summary>
    /// The item changed in place: the attributes of <paramref name="after"/> that differ are set, the ones it lacks
    /// removed, and only while the <paramref name="guard"/> attributes still hold what <paramref name="before"/> read
    /// (a command or a worker that wrote since wins; the backfill reads the item again). Attributes it does not
    /// change are left as they are, so a write of another attribute in between is kept.
    /// </summary>
    public static ItemChange InPlace(string table, Dictionary<string, AttributeValue> before, Dictionary<string, AttributeValue> after, IReadOnlyCollection<string> guard)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var names = new Dictionary<string, string>();
        var values = new Dictionary<string, AttributeValue>();
        var set = new List<string>();
        var remove = new List<string>();
        foreach (var (name, value) in after)
        {
            if (name is TableLayout.PK or TableLayout.SK || (before.TryGetValue(name, out var old) && Same(old, value)))
            {
                continue;
            }

            var n = $"#s{set.Count}";
            names[n] = name;
            values[$":s{set.Count}"] = value;
            set.Add($"{n} = :s{set.Count}");
        }

        foreach (var name in before.Keys.Where(k => !after.ContainsKey(k)))
        {
            var n = $"#r{remove.Count}";
            names[n] = name;
            remove.Add(n);
        }

        var condition = Guard(before, guard, names, values);
        var update = string.Join(' ', new[] { set.Count > 0 ? "SET " + string.Join(", ", set) : null, remove.Count > 0 ? "REMOVE " + string.Join(", ", remove) : null }.OfType<string>());
        if (update.Length == 0)
        {
            throw new ArgumentException("The change changes nothing; a migration returns null for an item in the new shape.", nameof(after));
        }

        return new([before], [after],
        [
            new TransactWriteItem
            {
                Update = new Update
                {
                    TableName = table,
                    Key = KeyOf(before),
                    UpdateExpression = update,
                    ConditionExpression = condition,
                    ExpressionAttributeNames = names,
                    ExpressionAttributeValues = values.Count > 0 ? values : null,
                },
            },
        ]);
    }

    /// <summary>
    /// Items re-keyed: every item of <paramref name="before"/> deleted and every item of <paramref name="after"/> put, all
    /// or none. The first item of <paramref name="before"/> (the one the backfill visited, whose guard covers the
    /// whole group) is deleted only while its <paramref name="guard"/> attributes hold what was read, the others only if
    /// they are still there, and each new item is put only where none is: a group that moved already, or that a
    /// command changed since it was read, is refused and read anew.
    /// </summary>
    public static ItemChange Move(
        string table, IReadOnlyList<Dictionary<string, AttributeValue>> before, IReadOnlyList<Dictionary<string, AttributeValue>> after, IReadOnlyCollection<string> guard)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        if (before.Count == 0)
        {
            throw new ArgumentException("A move needs the item it visited first.", nameof(before));
        }

        var writes = new List<TransactWriteItem>();
        for (var i = 0; i < before.Count; i++)
        {
            var names = new Dictionary<string, string>();
            var values = new Dictionary<string, AttributeValue>();
            var condition = i == 0 ? Guard(before[0], guard, names, values) : $"attribute_exists({TableLayout.PK})";
            writes.Add(new TransactWriteItem
            {
                Delete = new Delete
                {
                    TableName = table,
                    Key = KeyOf(before[i]),
                    ConditionExpression = condition,
                    ExpressionAttributeNames = names.Count > 0 ? names : null,
                    ExpressionAttributeValues = values.Count > 0 ? values : null,
                },
            });
        }

        writes.AddRange(after.Select(item => new TransactWriteItem
        {
            Put = new Put { TableName = table, Item = item, ConditionExpression = $"attribute_not_exists({TableLayout.PK})" },
        }));
        return new(before, after, writes);
    }

    /// <summary>
    /// A condition that <paramref name="guard"/>'s attributes hold what <paramref name="before"/> had (absent ones
    /// still absent), with its names and values added to the given ones: the guard of any write a migration makes.
    /// </summary>
    public static string Guard(
        IReadOnlyDictionary<string, AttributeValue> before, IReadOnlyCollection<string> guard, Dictionary<string, string> names, Dictionary<string, AttributeValue> values)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(guard);
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(values);
        var terms = new List<string> { $"attribute_exists({TableLayout.PK})" };
        var i = 0;
        foreach (var name in guard)
        {
            var n = $"#g{i}";
            names[n] = name;
            if (before.TryGetValue(name, out var value))
            {
                values[$":g{i}"] = value;
                terms.Add($"{n} = :g{i}");
            }
            else
            {
                terms.Add($"attribute_not_exists({n})");
            }

            i++;
        }

        return string.Join(" AND ", terms);
    }

    public static Dictionary<string, AttributeValue> KeyOf(IReadOnlyDictionary<string, AttributeValue> item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return new() { [TableLayout.PK] = item[TableLayout.PK], [TableLayout.SK] = item[TableLayout.SK] };
    }

    /// <summary>Whether two attribute values are equal (strings, numbers, booleans, maps, lists, sets).</summary>
    public static bool Same(AttributeValue a, AttributeValue b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return a.S == b.S && a.N == b.N && a.BOOL == b.BOOL && a.NULL == b.NULL
            && SameSet(a.SS, b.SS) && SameSet(a.NS, b.NS)
            && (a.M is null or { Count: 0 }) == (b.M is null or { Count: 0 })
            && (a.M is null || a.M.Count == 0 || (a.M.Count == b.M!.Count && a.M.All(p => b.M.TryGetValue(p.Key, out var v) && Same(p.Value, v))))
            && (a.L is null or { Count: 0 }) == (b.L is null or { Count: 0 })
            && (a.L is null || a.L.Count == 0 || (a.L.Count == b.L!.Count && a.L.Zip(b.L).All(p => Same(p.First, p.Second))));
    }

    private static bool SameSet(List<string>? a, List<string>? b) =>
        (a is null or { Count: 0 } && b is null or { Count: 0 }) || (a is not null && b is not null && a.ToHashSet().SetEquals(b));
}
