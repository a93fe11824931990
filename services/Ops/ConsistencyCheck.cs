using System.Text.Json;
using System.Text.Json.Serialization;
using Amazon.DynamoDBv2.Model;
using Microservices.Schema;

namespace Ops;

/// <summary>One invariant of docs/consistency.md: how many things it checked and what it found wrong.</summary>
public sealed record InvariantResult(string Invariant, string Description, int Checked, IReadOnlyList<Drift> Anomalies);

/// <summary>One anomaly as the JSON report writes it: the invariant, the item's keys, the field, expected and found.</summary>
public sealed record AnomalyEntry(string Invariant, string Kind, string PK, string SK, string Field, string? Expected, string? Found);

/// <summary>The JSON report of one check.</summary>
public sealed record ConsistencyReport(string Table, DateTimeOffset CheckedAt, int Items, IReadOnlyList<InvariantSummary> Invariants, IReadOnlyList<AnomalyEntry> Anomalies)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public bool Clean => Anomalies.Count == 0;

    public static ConsistencyReport From(string table, int items, IReadOnlyList<InvariantResult> results) => new(
        table,
        DateTimeOffset.UtcNow,
        items,
        [.. results.Select(r => new InvariantSummary(r.Invariant, r.Description, r.Checked, r.Anomalies.Count))],
        [.. results.SelectMany(r => r.Anomalies.Select(d => new AnomalyEntry(r.Invariant, d.Kind, d.Key.PK, d.Key.SK, d.Field, d.Expected, d.Found)))]);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static ConsistencyReport FromJson(string json) =>
        JsonSerializer.Deserialize<ConsistencyReport>(json, Json) ?? throw new JsonException("An empty report.");
}

public sealed record InvariantSummary(string Invariant, string Description, int Checked, int Anomalies);

/// <summary>
/// Every invariant of docs/consistency.md, judged on one snapshot of the table. Expected values are recomputed here
/// from the source items, with none of the workers' code.
/// </summary>
public static class ConsistencyCheck
{
    public const string Streams = "streams";
    public const string Copies = "copies";
    public const string Aggregates = "aggregates";
    public const string Shapes = "shapes";

    /// <param name="shapes">The table's migrations, as their history stands (null: none has run).</param>
    public static IReadOnlyList<InvariantResult> Run(IReadOnlyList<Dictionary<string, AttributeValue>> items, TableShapes? shapes = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        int Count(string itemType) => items.Count(i => i.GetValueOrDefault(Attributes.ItemType)?.S == itemType);

        var (streams, streamDrifts) = StreamCheck.Check(items);
        var streamAnomalies = streamDrifts.Concat(StreamFold.Check(items)).ToList();
        var orderCopyFields = TableSchema.Order.Copies.SelectMany(c => new[] { c.Attribute, c.VersionAttribute }).ToHashSet(StringComparer.Ordinal);
        var orderDrifts = OrderChecks.Check(items);
        var copies = GenreCopyCheck.Check(items).Concat(orderDrifts.Where(d => orderCopyFields.Contains(d.Field))).ToList();
        var aggregates = BookCountCheck.Check(items).Concat(orderDrifts.Where(d => !orderCopyFields.Contains(d.Field))).ToList();
        var aggregatesChecked = Count(ItemTypes.Author)
            + items.Where(i => i.GetValueOrDefault(Attributes.ItemType)?.S == ItemTypes.Order).Select(i => i[Attributes.ClientId].S).Distinct(StringComparer.Ordinal).Count()
            + items.Where(i => i.GetValueOrDefault(Attributes.ItemType)?.S == ItemTypes.OrderLine).Select(i => i[Attributes.BookId].S).Distinct(StringComparer.Ordinal).Count();
        return
        [
            new(Streams, "every event stream is contiguous 1..n, its events are known, and its canonical item is their fold at Version n", streams, streamAnomalies),
            new(Copies, "every copy equals its source and carries its version; none orphaned, none missing", Count(ItemTypes.Book) + Count(ItemTypes.Order), copies),
            new(Aggregates, "every aggregate equals its recomputation from the items it summarises", aggregatesChecked, aggregates),
            new(Shapes, "every item has the shape its migrations' history says (the old one, the new one, or during a run either, correct where present)", Count(ItemTypes.Client), ShapeCheck.Check(items, shapes ?? TableShapes.None)),
        ];
    }
}
