using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microservices.Schema;
using Microservices.SingleTable;

namespace Ops;

/// <summary>What a rebuild did to the items of its type: rewritten, refused (a worker wrote a newer one first), orphans deleted.</summary>
public sealed record RebuildResult(string ItemType, int Computed, int Rewritten, int Refused, int Deleted);

/// <summary>How far a rebuild has come: items written or refused of those computed.</summary>
public sealed record RebuildProgress(string ItemType, int Done, int Total, TimeSpan Elapsed);

/// <summary>
/// Recomputes every copy or aggregate of one item type from the canonical items of a snapshot, and writes all of
/// them into the live table, not only those the check finds wrong: how a new copy type gets its data and how the
/// copies a worker bug wrote are healed, long after the stream's 24 hours. The same computation and guards as
/// <see cref="Repair"/> (a write is refused where a worker stored something from newer sources, an orphan is deleted
/// only if unchanged), so it runs while the workers keep running; a book count goes with its markers.
/// </summary>
public static class Rebuild
{
    /// <summary>The item types a rebuild recomputes: the copies and aggregates, each from its sources.</summary>
    public static IReadOnlyList<string> ItemTypesRebuilt { get; } =
        [ItemTypes.GenreBook, ItemTypes.Order, ItemTypes.AuthorStats, ItemTypes.ClientOrderStats, ItemTypes.BookSales];

    private const int Concurrency = 8;

    public static async Task<RebuildResult> RunAsync(
        IAmazonDynamoDB dynamo, string table, IReadOnlyList<Dictionary<string, AttributeValue>> items, string itemType,
        IProgress<RebuildProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (!ItemTypesRebuilt.Contains(itemType, StringComparer.Ordinal))
        {
            throw new ArgumentException($"{itemType} is not rebuilt from sources; one of {string.Join(", ", ItemTypesRebuilt)} is.", nameof(itemType));
        }

        var watch = System.Diagnostics.Stopwatch.StartNew();
        int done = 0, rewritten = 0, refused = 0, deleted = 0;
        List<Func<CancellationToken, Task<(int Rewritten, int Refused, int Deleted)>>> work;
        if (itemType == ItemTypes.AuthorStats)
        {
            work = [.. BookCountRepair.Plans(items).Values.Distinct().Select(plan => (Func<CancellationToken, Task<(int, int, int)>>)(async ct =>
            {
                var (written, wasRefused) = await BookCountRepair.RunAsync(dynamo, table, plan, ct);
                return (written > 0 ? 1 : 0, wasRefused ? 1 : 0, 0);
            }))];
        }
        else
        {
            var fixes = Repair.Fixes(items).Values.Where(f => f.Item[Attributes.ItemType].S == itemType).ToList();
            var computed = fixes.Select(f => KeyOf(f.Item)).ToHashSet();
            var orphans = itemType == ItemTypes.Order
                ? []
                : items.Where(i => i.GetValueOrDefault(Attributes.ItemType)?.S == itemType && !computed.Contains(KeyOf(i))).ToList();
            work =
            [
                .. fixes.Select(fix => (Func<CancellationToken, Task<(int, int, int)>>)(async ct =>
                {
                    try
                    {
                        await dynamo.PutItemAsync(fix.Put(table), ct);
                        return (1, 0, 0);
                    }
                    catch (ConditionalCheckFailedException)
                    {
                        return (0, 1, 0);
                    }
                })),
                .. orphans.Select(orphan => (Func<CancellationToken, Task<(int, int, int)>>)(async ct =>
                {
                    try
                    {
                        await dynamo.DeleteItemAsync(Repair.DeleteUnchanged(table, orphan), ct);
                        return (0, 0, 1);
                    }
                    catch (ConditionalCheckFailedException)
                    {
                        return (0, 1, 0);
                    }
                })),
            ];
        }

        await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken }, async (step, ct) =>
        {
            var (w, r, d) = await step(ct);
            Interlocked.Add(ref rewritten, w);
            Interlocked.Add(ref refused, r);
            Interlocked.Add(ref deleted, d);
            progress?.Report(new RebuildProgress(itemType, Interlocked.Increment(ref done), work.Count, watch.Elapsed));
        });
        return new RebuildResult(itemType, work.Count, rewritten, refused, deleted);
    }

    private static ItemKey KeyOf(Dictionary<string, AttributeValue> item) => new(item[Attributes.PK].S, item[Attributes.SK].S);
}
