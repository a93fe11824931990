using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microservices.Schema;
using Microservices.SingleTable;

namespace Ops;

/// <summary>What a repair did: items rewritten, orphans deleted, writes refused because a newer write got there first, and anomalies it cannot repair.</summary>
public sealed record RepairResult(int Rewritten, int Deleted, int Refused, int Unrepairable);

/// <summary>
/// Rewrites every drifted or missing copy and aggregate from its sources in a snapshot of the table, and deletes
/// orphans. Every write is conditional: a rewrite only where the stored source version is not newer than the one it
/// was computed from (so a worker's newer write is never overwritten), a delete only where the item is unchanged
/// since the snapshot; a book count and its markers together, guarded as <see cref="BookCountRepair"/> says. Computed here, from the snapshot, with none of the workers' code. A gap in an event stream or
/// a wrong canonical item is history, not a copy: it is left for a person to judge and stays reported.
/// </summary>
public static class Repair
{
    private const string Cancelled = "cancelled";

    public static async Task<RepairResult> RunAsync(
        IAmazonDynamoDB dynamo, string table, IReadOnlyList<Dictionary<string, AttributeValue>> items, IReadOnlyList<InvariantResult> results, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dynamo);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(results);
        var fixes = Fixes(items);
        var countPlans = BookCountRepair.Plans(items);
        var plansRun = new HashSet<BookCountRepair.Plan>(ReferenceEqualityComparer.Instance);
        var stored = items.ToDictionary(KeyOf);
        int rewritten = 0, deleted = 0, refused = 0, unrepairable = 0;
        // Events are never rewritten, and an item's shape is the migration runner's to bring about ('ops migrate up').
        static bool Repairable(InvariantResult r) => r.Invariant is not (ConsistencyCheck.Streams or ConsistencyCheck.Shapes);
        var keys = results.Where(Repairable).SelectMany(r => r.Anomalies).Select(d => d.Key).Distinct();
        unrepairable += results.Where(r => !Repairable(r)).Sum(r => r.Anomalies.Count);
        foreach (var key in keys)
        {
            try
            {
                if (countPlans.TryGetValue(key, out var plan))
                {
                    if (plansRun.Add(plan))
                    {
                        var (written, wasRefused) = await BookCountRepair.RunAsync(dynamo, table, plan, cancellationToken);
                        rewritten += written;
                        refused += wasRefused ? 1 : 0;
                    }
                }
                else if (fixes.TryGetValue(key, out var fix))
                {
                    await dynamo.PutItemAsync(fix.Put(table), cancellationToken);
                    rewritten++;
                }
                else if (stored.TryGetValue(key, out var orphan))
                {
                    await dynamo.DeleteItemAsync(DeleteUnchanged(table, orphan), cancellationToken);
                    deleted++;
                }
                else
                {
                    unrepairable++;
                }
            }
            catch (ConditionalCheckFailedException)
            {
                refused++;
            }
        }

        return new RepairResult(rewritten, deleted, refused, unrepairable);
    }

    /// <summary>A whole item as it should be, and the guard its write carries.</summary>
    internal sealed record Fix(Dictionary<string, AttributeValue> Item, string Condition, Dictionary<string, AttributeValue> Values)
    {
        public PutItemRequest Put(string table) => new()
        {
            TableName = table,
            Item = Item,
            ConditionExpression = Condition,
            ExpressionAttributeValues = Values,
        };
    }

    /// <summary>Every copy and aggregate the table should hold, by key, recomputed from the snapshot's sources.</summary>
    internal static Dictionary<ItemKey, Fix> Fixes(IReadOnlyList<Dictionary<string, AttributeValue>> items)
    {
        List<Dictionary<string, AttributeValue>> OfType(string type) => [.. items.Where(i => i.GetValueOrDefault(Attributes.ItemType)?.S == type)];
        var authors = OfType(ItemTypes.Author).ToDictionary(a => a[Attributes.AuthorId].S, StringComparer.Ordinal);
        var clients = OfType(ItemTypes.Client).ToDictionary(c => c[Attributes.ClientId].S, StringComparer.Ordinal);
        var books = OfType(ItemTypes.Book);
        var orders = OfType(ItemTypes.Order);
        var lines = OfType(ItemTypes.OrderLine);
        var fixes = new Dictionary<ItemKey, Fix>();

        foreach (var book in books)
        {
            if (!authors.TryGetValue(book[Attributes.AuthorId].S, out var author))
            {
                continue;
            }

            var key = Keys.GenreBook(book[Attributes.Genre].S, book[Attributes.BookId].S);
            var item = Item(key, ItemTypes.GenreBook);
            item[Attributes.GSI1PK] = new(Keys.GenrePartition(book[Attributes.Genre].S));
            item[Attributes.GSI1SK] = new(Keys.GenreBookSortKey(book[Attributes.Title].S));
            item[Attributes.BookId] = book[Attributes.BookId];
            item[Attributes.AuthorId] = book[Attributes.AuthorId];
            item[Attributes.Genre] = book[Attributes.Genre];
            CopyFrom(item, TableSchema.GenreBook, ItemTypes.Book, book);
            CopyFrom(item, TableSchema.GenreBook, ItemTypes.Author, author);
            fixes[key] = new Fix(item,
                "attribute_not_exists(PK) OR (BookVersion <= :bookVersion AND (attribute_not_exists(AuthorVersion) OR AuthorVersion <= :authorVersion))",
                new() { [":bookVersion"] = book[Attributes.Version], [":authorVersion"] = author[Attributes.Version] });
        }

        foreach (var order in orders)
        {
            if (!clients.TryGetValue(order[Attributes.ClientId].S, out var client))
            {
                continue;
            }

            var item = new Dictionary<string, AttributeValue>(order);
            CopyFrom(item, TableSchema.Order, ItemTypes.Client, client);
            // The order is the Orders API's item: only its copies change, and only while the order is as read.
            fixes[KeyOf(order)] = new Fix(item,
                "Version = :orderVersion AND (attribute_not_exists(ClientVersion) OR ClientVersion <= :clientVersion)",
                new() { [":orderVersion"] = order[Attributes.Version], [":clientVersion"] = client[Attributes.Version] });
        }

        foreach (var group in orders.GroupBy(o => o[Attributes.ClientId].S, StringComparer.Ordinal))
        {
            var live = group.Where(o => o[Attributes.Status].S != Cancelled).ToList();
            var sourceVersion = group.Sum(o => Decimal(o[Attributes.Version]));
            var key = Keys.ClientOrderStats(group.Key);
            var item = Item(key, ItemTypes.ClientOrderStats);
            item[Attributes.ClientId] = new(group.Key);
            item[Attributes.OrderCount] = Number(live.Count);
            item[Attributes.TotalSpent] = Number(live.Sum(o => Decimal(o[Attributes.Total])));
            item[Attributes.SourceVersion] = Number(sourceVersion);
            fixes[key] = Guarded(item, sourceVersion);
        }

        var cancelled = orders.Where(o => o[Attributes.Status].S == Cancelled).Select(o => o[Attributes.OrderId].S).ToHashSet(StringComparer.Ordinal);
        foreach (var group in lines.GroupBy(l => l[Attributes.BookId].S, StringComparer.Ordinal))
        {
            // One sale item per book and order; a cancelled one counts twice in the worker's guard (written, then marked).
            var saleOrders = group.Select(l => l[Attributes.OrderId].S).Distinct(StringComparer.Ordinal).ToList();
            var sourceVersion = saleOrders.Sum(o => cancelled.Contains(o) ? 2m : 1m);
            var key = Keys.BookSales(group.Key);
            var item = Item(key, ItemTypes.BookSales);
            item[Attributes.BookId] = new(group.Key);
            item[Attributes.UnitsSold] = Number(group.Where(l => !cancelled.Contains(l[Attributes.OrderId].S)).Sum(l => Decimal(l[Attributes.Quantity])));
            item[Attributes.SourceVersion] = Number(sourceVersion);
            fixes[key] = Guarded(item, sourceVersion);
        }

        return fixes;
    }

    /// <summary>Sets every attribute the schema declares as a copy of <paramref name="sourceType"/> from the source item, with its version.</summary>
    private static void CopyFrom(Dictionary<string, AttributeValue> item, ItemTypeSpec copyType, string sourceType, Dictionary<string, AttributeValue> source)
    {
        foreach (var copy in copyType.Copies.Where(c => c.SourceItemType == sourceType))
        {
            item[copy.Attribute] = source[copy.SourceAttribute];
            item[copy.VersionAttribute] = source[Attributes.Version];
        }
    }

    private static Fix Guarded(Dictionary<string, AttributeValue> item, decimal sourceVersion) =>
        new(item, "attribute_not_exists(PK) OR SourceVersion <= :v", new() { [":v"] = Number(sourceVersion) });

    /// <summary>Deletes an orphan only if it is still exactly what the snapshot read.</summary>
    internal static DeleteItemRequest DeleteUnchanged(string table, Dictionary<string, AttributeValue> item)
    {
        var names = new Dictionary<string, string>();
        var values = new Dictionary<string, AttributeValue>();
        var conditions = new List<string>();
        var i = 0;
        foreach (var (name, value) in item.Where(a => a.Key is not (Attributes.PK or Attributes.SK)))
        {
            names[$"#a{i}"] = name;
            values[$":a{i}"] = value;
            conditions.Add($"#a{i} = :a{i}");
            i++;
        }

        return new DeleteItemRequest
        {
            TableName = table,
            Key = new() { [Attributes.PK] = item[Attributes.PK], [Attributes.SK] = item[Attributes.SK] },
            ConditionExpression = conditions.Count == 0 ? "attribute_exists(PK)" : string.Join(" AND ", conditions),
            ExpressionAttributeNames = names.Count == 0 ? null : names,
            ExpressionAttributeValues = values.Count == 0 ? null : values,
        };
    }

    private static Dictionary<string, AttributeValue> Item(ItemKey key, string itemType) => new()
    {
        [Attributes.PK] = new(key.PK),
        [Attributes.SK] = new(key.SK),
        [Attributes.ItemType] = new(itemType),
    };

    private static ItemKey KeyOf(Dictionary<string, AttributeValue> item) => new(item[Attributes.PK].S, item[Attributes.SK].S);

    private static decimal Decimal(AttributeValue value) => decimal.Parse(value.N, CultureInfo.InvariantCulture);

    private static AttributeValue Number(decimal value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };
}
