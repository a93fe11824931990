using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microservices.Schema;
using Microservices.SingleTable;

namespace Ops;

/// <summary>
/// Puts an author's book count and markers right, from a snapshot, with none of the worker's code. Each wrong marker
/// is rewritten to the state its book's existence says, conditioned on its state in the snapshot, in the same
/// transaction as the count moves by what it changed; so a marker the worker has touched since is refused rather
/// than counted twice. The worker's own writes keep the count minus its counted markers constant, so an error of the
/// count itself (a count that disagrees with its markers) is corrected once, conditioned on the count being as the
/// snapshot read it. A live author's missing count is put where there is none; a deleted author's count is never
/// recreated (every count write checks that the count is not closed).
/// </summary>
public static class BookCountRepair
{
    /// <summary>Marker rewrites per transaction, leaving room for the count and the closed check.</summary>
    private const int MarkersPerTransaction = DynamoDbLimits.MaxTransactionItems - 2;

    /// <summary>One author's repair: its marker rewrites and the count's correction, run as one or more transactions.</summary>
    public sealed record Plan(string AuthorId, IReadOnlyList<WrongMarker> Markers, bool Live, Dictionary<string, AttributeValue>? Stats, int CountedMarkers)
    {
        /// <summary>The keys the check reports that this plan repairs.</summary>
        public IEnumerable<ItemKey> Keys => Live ? Markers.Select(m => m.Key).Append(Microservices.Schema.Keys.AuthorStats(AuthorId)) : Markers.Select(m => m.Key);
    }

    /// <summary>Every author whose count or markers are wrong in the snapshot, by each key the check reports for it.</summary>
    public static Dictionary<ItemKey, Plan> Plans(IReadOnlyList<Dictionary<string, AttributeValue>> items)
    {
        var counts = BookCounts.From(items);
        var plans = new Dictionary<ItemKey, Plan>();
        var wrong = counts.WrongMarkers().ToLookup(m => m.AuthorId, StringComparer.Ordinal);
        foreach (var authorId in counts.Authors.Union(wrong.Select(g => g.Key), StringComparer.Ordinal))
        {
            var plan = new Plan(authorId, [.. wrong[authorId]], counts.Authors.Contains(authorId), counts.Stats.GetValueOrDefault(authorId), counts.CountedMarkersOf(authorId));
            foreach (var key in plan.Keys)
            {
                plans[key] = plan;
            }
        }

        return plans;
    }

    /// <summary>Runs the plan: the transactions it wrote, and whether one was refused (the worker got there first).</summary>
    public static async Task<(int Written, bool Refused)> RunAsync(IAmazonDynamoDB dynamo, string table, Plan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dynamo);
        ArgumentNullException.ThrowIfNull(plan);
        var written = 0;
        var chunks = plan.Markers.Chunk(MarkersPerTransaction).ToList();
        if (chunks.Count == 0)
        {
            chunks.Add([]);
        }

        for (var i = 0; i < chunks.Count; i++)
        {
            var items = chunks[i].Select(m => RewriteMarker(table, m)).ToList();
            var delta = chunks[i].Sum(m => m.Expected == CountStates.Counted ? 1 : m.Found == CountStates.Counted ? -1 : 0);
            if (plan.Live)
            {
                items.AddRange(CountWrites(table, plan, delta, first: i == 0));
            }

            if (items.Count == 0)
            {
                continue;
            }

            try
            {
                await dynamo.TransactWriteItemsAsync(new TransactWriteItemsRequest { TransactItems = items }, cancellationToken);
                written++;
            }
            catch (TransactionCanceledException)
            {
                return (written, true);
            }
        }

        return (written, false);
    }

    private static TransactWriteItem RewriteMarker(string table, WrongMarker marker) => new()
    {
        Put = new Put
        {
            TableName = table,
            Item = new()
            {
                [Attributes.PK] = new(marker.Key.PK),
                [Attributes.SK] = new(marker.Key.SK),
                [Attributes.ItemType] = new(ItemTypes.BookCountMarker),
                [Attributes.AuthorId] = new(marker.AuthorId),
                [Attributes.BookId] = new(marker.BookId),
                [Attributes.CountState] = new(marker.Expected),
                [Attributes.BookVersion] = new() { N = "0" }, // set by the repair, not by a book's event
            },
            ConditionExpression = marker.Found is null ? "attribute_not_exists(PK)" : "CountState = :found",
            ExpressionAttributeValues = marker.Found is null ? null : new() { [":found"] = new(marker.Found) },
        },
    };

    /// <summary>
    /// The count's change in one transaction: the markers' delta, and in the first transaction the count's own error
    /// (guarded by the count as read) or the whole count where there is none. Nothing where nothing changes.
    /// </summary>
    private static IEnumerable<TransactWriteItem> CountWrites(string table, Plan plan, int delta, bool first)
    {
        var key = Keys.AuthorStats(plan.AuthorId);
        var stored = plan.Stats?.GetValueOrDefault(Attributes.BookCount)?.N;
        var error = stored is null ? 0 : int.Parse(stored, CultureInfo.InvariantCulture) - plan.CountedMarkers;
        if (first && plan.Stats is null)
        {
            yield return new TransactWriteItem
            {
                Put = new Put
                {
                    TableName = table,
                    Item = new()
                    {
                        [Attributes.PK] = new(key.PK),
                        [Attributes.SK] = new(key.SK),
                        [Attributes.ItemType] = new(ItemTypes.AuthorStats),
                        [Attributes.AuthorId] = new(plan.AuthorId),
                        [Attributes.BookCount] = Number(plan.CountedMarkers + delta),
                    },
                    ConditionExpression = "attribute_not_exists(PK)",
                },
            };
        }
        else if (first && error != 0)
        {
            yield return Add(table, key, delta - error, "BookCount = :stored", new() { N = stored });
        }
        else if (delta != 0)
        {
            yield return Add(table, key, delta, "attribute_exists(PK)", null);
        }
        else
        {
            yield break;
        }

        var closed = Keys.BookCountClosed(plan.AuthorId);
        yield return new TransactWriteItem
        {
            ConditionCheck = new ConditionCheck
            {
                TableName = table,
                Key = new() { [Attributes.PK] = new(closed.PK), [Attributes.SK] = new(closed.SK) },
                ConditionExpression = "attribute_not_exists(PK)",
            },
        };
    }

    private static TransactWriteItem Add(string table, ItemKey key, int delta, string condition, AttributeValue? stored)
    {
        var values = new Dictionary<string, AttributeValue> { [":delta"] = Number(delta) };
        if (stored is not null)
        {
            values[":stored"] = stored;
        }

        return new TransactWriteItem
        {
            Update = new Update
            {
                TableName = table,
                Key = new() { [Attributes.PK] = new(key.PK), [Attributes.SK] = new(key.SK) },
                UpdateExpression = "ADD BookCount :delta",
                ConditionExpression = condition,
                ExpressionAttributeValues = values,
            },
        };
    }

    private static AttributeValue Number(int value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };
}
