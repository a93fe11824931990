using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microservices.Schema;

namespace Ops;

/// <summary>
/// Recomputes every author's book count from a scan of the Book items, grouped by their AuthorId attribute (the
/// worker counts the items of the author's partition instead), and compares it with the worker's AuthorStats items:
/// a live author without a count is missing, a wrong count drifted, a count without its author an orphan.
/// </summary>
public static class BookCountCheck
{
    public static async Task<IReadOnlyList<Drift>> RunAsync(IAmazonDynamoDB dynamo, string table, CancellationToken cancellationToken) =>
        Check(await TableSnapshot.ScanAsync(dynamo, table, 1, null, cancellationToken));

    /// <summary>Checks a snapshot of the whole table (<see cref="TableSnapshot"/>).</summary>
    public static IReadOnlyList<Drift> Check(IReadOnlyList<Dictionary<string, AttributeValue>> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var authors = new HashSet<string>(StringComparer.Ordinal);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var stats = new Dictionary<string, Dictionary<string, AttributeValue>>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            switch (item.GetValueOrDefault(Attributes.ItemType)?.S)
            {
                case ItemTypes.Author:
                    authors.Add(item[Attributes.AuthorId].S);
                    break;
                case ItemTypes.Book:
                    counts[item[Attributes.AuthorId].S] = counts.GetValueOrDefault(item[Attributes.AuthorId].S) + 1;
                    break;
                case ItemTypes.AuthorStats:
                    stats[item[Attributes.AuthorId].S] = item;
                    break;
            }
        }

        var drifts = new List<Drift>();
        foreach (var authorId in authors)
        {
            var key = Keys.AuthorStats(authorId);
            var expected = counts.GetValueOrDefault(authorId).ToString(CultureInfo.InvariantCulture);
            if (!stats.Remove(authorId, out var stored))
            {
                drifts.Add(new Drift("missing", key, "", null, null));
            }
            else if (stored.GetValueOrDefault(Attributes.BookCount)?.N != expected)
            {
                drifts.Add(new Drift("drifted", key, Attributes.BookCount, expected, stored.GetValueOrDefault(Attributes.BookCount)?.N));
            }
        }

        drifts.AddRange(stats.Select(s => new Drift("orphan", Keys.AuthorStats(s.Key), "", null, $"no author {s.Key}")));
        return drifts;
    }
}
