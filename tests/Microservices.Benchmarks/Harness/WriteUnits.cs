using Amazon.DynamoDBv2.Model;
using Microservices.SingleTable;

namespace Microservices.Benchmarks.Harness;

/// <summary>
/// What one item of a write costs by DynamoDB's rules: its larger image (before or after) in 1 KB units, at least
/// one; twice in a transaction. On each index it is in before or after: one write of that image, two (a delete and a
/// put) when its index key changes. A ConditionCheck costs its item on the table and writes no index.
/// </summary>
public static class WriteUnits
{
    private const double UnitBytes = 1024;

    /// <summary>The units on the table, and on each index (by name) that the write touches.</summary>
    public static (double Table, IReadOnlyDictionary<string, double> Indexes) Of(
        Dictionary<string, AttributeValue>? before,
        Dictionary<string, AttributeValue>? after,
        IEnumerable<(string Index, string[] Keys)> indexes,
        bool transactional,
        bool conditionCheck = false)
    {
        ArgumentNullException.ThrowIfNull(indexes);
        var factor = transactional ? 2 : 1;
        var table = factor * Units(Math.Max(Size(before), Size(after)));
        var touched = new Dictionary<string, double>(StringComparer.Ordinal);
        if (conditionCheck)
        {
            return (table, touched);
        }

        foreach (var (index, keys) in indexes)
        {
            var was = before is not null && keys.All(before.ContainsKey);
            var @is = after is not null && keys.All(after.ContainsKey);
            var moved = was && @is && keys.Any(k => Text(before![k]) != Text(after![k]));
            var units = (was, @is, moved) switch
            {
                (true, true, true) => Units(Size(before)) + Units(Size(after)),
                (true, true, false) => Units(Math.Max(Size(before), Size(after))),
                (true, false, _) => Units(Size(before)),
                (false, true, _) => Units(Size(after)),
                _ => 0,
            };
            if (units > 0)
            {
                touched[index] = factor * units;
            }
        }

        return (table, touched);
    }

    private static double Units(double bytes) => Math.Ceiling(Math.Max(bytes, 1) / UnitBytes);

    private static double Size(Dictionary<string, AttributeValue>? item) => item is null ? 0 : DynamoDbLimits.ItemSize(item);

    private static string Text(AttributeValue value) => value.S ?? value.N ?? Convert.ToBase64String(value.B?.ToArray() ?? []);
}
