using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microservices.Schema;
using Microservices.SingleTable;

namespace Ops;

/// <summary>
/// Recomputes what the Orders worker keeps, from the items it summarises, and compares: each order's copies of its
/// client's name, email and version; each client's order count and total spent; each book's units sold. Cancelled
/// orders count in neither aggregate. It shares nothing with the worker but the key declarations, and it counts
/// units from the order lines and the orders' statuses, not from the sale items the worker reads, so neither a
/// worker bug nor a wrong sale item can hide here.
/// </summary>
public static class OrderChecks
{
    private const string Cancelled = "cancelled";

    public static async Task<IReadOnlyList<Drift>> RunAsync(IAmazonDynamoDB dynamo, string table, CancellationToken cancellationToken) =>
        Check(await TableSnapshot.ScanAsync(dynamo, table, 1, null, cancellationToken));

    /// <summary>Checks a snapshot of the whole table (<see cref="TableSnapshot"/>).</summary>
    public static IReadOnlyList<Drift> Check(IReadOnlyList<Dictionary<string, AttributeValue>> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var clients = new Dictionary<string, Dictionary<string, AttributeValue>>(StringComparer.Ordinal);
        var orders = new List<Dictionary<string, AttributeValue>>();
        var lines = new List<Dictionary<string, AttributeValue>>();
        var stats = new Dictionary<ItemKey, Dictionary<string, AttributeValue>>();
        var sales = new Dictionary<ItemKey, Dictionary<string, AttributeValue>>();
        foreach (var item in items)
        {
            switch (item.GetValueOrDefault(Attributes.ItemType)?.S)
            {
                case ItemTypes.Client:
                    clients[item[Attributes.ClientId].S] = item;
                    break;
                case ItemTypes.Order:
                    orders.Add(item);
                    break;
                case ItemTypes.OrderLine:
                    lines.Add(item);
                    break;
                case ItemTypes.ClientOrderStats:
                    stats[KeyOf(item)] = item;
                    break;
                case ItemTypes.BookSales:
                    sales[KeyOf(item)] = item;
                    break;
            }
        }

        var drifts = new List<Drift>();
        drifts.AddRange(ClientCopies(orders, clients));
        drifts.AddRange(ClientStats(orders, stats));
        drifts.AddRange(UnitsSold(orders, lines, sales));
        return drifts;
    }

    private static IEnumerable<Drift> ClientCopies(
        List<Dictionary<string, AttributeValue>> orders, Dictionary<string, Dictionary<string, AttributeValue>> clients)
    {
        foreach (var order in orders)
        {
            var client = clients.GetValueOrDefault(order[Attributes.ClientId].S);
            var expected = CopySpecs.Expected(TableSchema.Order, _ => client);
            foreach (var (field, value) in expected)
            {
                var found = Text(order, field);
                if (!CopySpecs.Holds(TableSchema.Order, field, value, found))
                {
                    yield return new Drift("drifted", KeyOf(order), field, value, found);
                }
            }
        }
    }

    private static IEnumerable<Drift> ClientStats(
        List<Dictionary<string, AttributeValue>> orders, Dictionary<ItemKey, Dictionary<string, AttributeValue>> stats)
    {
        var expected = orders
            .GroupBy(o => o[Attributes.ClientId].S, StringComparer.Ordinal)
            .ToDictionary(
                g => Keys.ClientOrderStats(g.Key),
                g => (Count: g.Count(o => o[Attributes.Status].S != Cancelled),
                      Spent: g.Where(o => o[Attributes.Status].S != Cancelled).Sum(o => Decimal(o[Attributes.Total]))));
        foreach (var (key, (count, spent)) in expected)
        {
            if (!stats.Remove(key, out var found))
            {
                yield return new Drift("missing", key, "", null, null);
                continue;
            }

            foreach (var drift in Compare(key, found, (Attributes.OrderCount, count), (Attributes.TotalSpent, spent)))
            {
                yield return drift;
            }
        }

        // Stats of a client without orders must say so.
        foreach (var (key, found) in stats)
        {
            foreach (var drift in Compare(key, found, (Attributes.OrderCount, 0m), (Attributes.TotalSpent, 0m)))
            {
                yield return drift;
            }
        }
    }

    private static IEnumerable<Drift> UnitsSold(
        List<Dictionary<string, AttributeValue>> orders,
        List<Dictionary<string, AttributeValue>> lines,
        Dictionary<ItemKey, Dictionary<string, AttributeValue>> sales)
    {
        var cancelled = orders
            .Where(o => o[Attributes.Status].S == Cancelled)
            .Select(o => (o[Attributes.PK].S, o[Attributes.OrderId].S))
            .ToHashSet();
        var expected = lines
            .Where(l => !cancelled.Contains((l[Attributes.PK].S, l[Attributes.OrderId].S)))
            .GroupBy(l => l[Attributes.BookId].S, StringComparer.Ordinal)
            .ToDictionary(g => Keys.BookSales(g.Key), g => g.Sum(l => Decimal(l[Attributes.Quantity])));
        foreach (var bookId in lines.Select(l => l[Attributes.BookId].S).Distinct(StringComparer.Ordinal))
        {
            expected.TryAdd(Keys.BookSales(bookId), 0m); // every unit of it was cancelled
        }

        foreach (var (key, units) in expected)
        {
            if (!sales.Remove(key, out var found))
            {
                yield return new Drift("missing", key, "", null, null);
                continue;
            }

            foreach (var drift in Compare(key, found, (Attributes.UnitsSold, units)))
            {
                yield return drift;
            }
        }

        foreach (var (key, found) in sales)
        {
            foreach (var drift in Compare(key, found, (Attributes.UnitsSold, 0m)))
            {
                yield return drift;
            }
        }
    }

    private static IEnumerable<Drift> Compare(ItemKey key, Dictionary<string, AttributeValue> found, params (string Field, decimal Value)[] expected)
    {
        foreach (var (field, value) in expected)
        {
            var text = CopySpecs.Canonical(value);
            var actual = Text(found, field);
            if (actual != text)
            {
                yield return new Drift("drifted", key, field, text, actual);
            }
        }
    }

    private static string? Text(Dictionary<string, AttributeValue> item, string field) =>
        item.TryGetValue(field, out var attribute) ? attribute.S ?? Number(attribute) : null;

    private static ItemKey KeyOf(Dictionary<string, AttributeValue> item) => new(item[Attributes.PK].S, item[Attributes.SK].S);

    private static decimal Decimal(AttributeValue value) => decimal.Parse(value.N, CultureInfo.InvariantCulture);

    private static string? Number(AttributeValue value) =>
        value.N is null ? null : CopySpecs.Canonical(decimal.Parse(value.N, CultureInfo.InvariantCulture));
}
