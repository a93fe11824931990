using System.Text;
using Catalog.Domain;
using Clients.Domain;
using Microservices.Schema;
using Microservices.Schema.Migrations;
using Orders.Domain;
using Microservices.SingleTable;

namespace Ops;

/// <summary>
/// Writes docs/data-model.md from <see cref="TableSchema"/>: every item type with its keys and attributes, every
/// access pattern with the request that serves it, every event with the older names it is still read from, the
/// migrations, and a sample of the table as a grid, partition by partition.
/// Generated, so it cannot go stale; a test fails when the committed file differs from what this writes.
/// </summary>
public static class DataModelDocument
{
    public static string Write()
    {
        var doc = new StringBuilder();
        doc.AppendLine("# Data model");
        doc.AppendLine();
        doc.AppendLine("Generated from `shared/Microservices.Schema/TableSchema.cs` by");
        doc.AppendLine("`dotnet run --project services/Ops -- data-model > docs/data-model.md`. Do not edit by hand.");
        doc.AppendLine();
        doc.AppendLine("One table (`PK`, `SK`, stream `NEW_AND_OLD_IMAGES`) with an overloaded index, `GSI1` (`GSI1PK`, `GSI1SK`), and a");
        doc.AppendLine("second, `GSI2` (`GSI2PK`, `GSI2SK`), that migration 1 adds to a live table.");
        doc.AppendLine("User text inside a key (`{title}`, `{name}`, `{genre}`) is escaped so that it can neither widen a");
        doc.AppendLine("`begins_with` query nor collide with another item type.");
        doc.AppendLine();

        doc.AppendLine("## Item types");
        doc.AppendLine();
        doc.AppendLine("| Item type | Written by | PK | SK | GSI1PK | GSI1SK |");
        doc.AppendLine("| --- | --- | --- | --- | --- | --- |");
        foreach (var type in TableSchema.ItemTypeSpecs)
        {
            doc.AppendLine($"| {type.Name} | {type.Owner} | `{type.PartitionKey}` | `{type.SortKey}` | {Code(type.Index?.PartitionKey)} | {Code(type.Index?.SortKey)} |");
        }

        foreach (var type in TableSchema.ItemTypeSpecs)
        {
            doc.AppendLine();
            doc.AppendLine($"### {type.Name}");
            doc.AppendLine();
            doc.AppendLine(type.Description);
            doc.AppendLine();
            doc.AppendLine("| Attribute | Type | Copy of | Description |");
            doc.AppendLine("| --- | --- | --- | --- |");
            foreach (var attribute in type.Attributes)
            {
                var copy = type.Copies.FirstOrDefault(c => c.Attribute == attribute.Name);
                var copyOf = copy is null ? "" : $"{copy.SourceItemType}.{copy.SourceAttribute} (guarded by {copy.VersionAttribute})";
                var optional = attribute.Required ? "" : " (optional)";
                doc.AppendLine($"| {attribute.Name} | {attribute.Kind} | {copyOf} | {Cell(attribute.Description)}{optional} |");
            }
        }

        doc.AppendLine();
        doc.AppendLine("## Shapes that migrations move item types to");
        doc.AppendLine();
        doc.AppendLine("Until the migration is applied on a table the item type keeps the shape above; while it runs, both are there,");
        doc.AppendLine("each item in one of them. The attributes are those above; only the keys change.");
        doc.AppendLine();
        doc.AppendLine("| Migration | Item type | PK | SK | Index keys | Description |");
        doc.AppendLine("| --- | --- | --- | --- | --- | --- |");
        foreach (var (migration, type) in TableSchema.MigratedShapes)
        {
            var index = type.Name == ItemTypes.Order
                ? $"`GSI1PK = {type.Index!.PartitionKey}`, `GSI1SK = {type.Index.SortKey}`, `GSI2PK = {TableSchema.ClientOrders.PartitionKey}`, `GSI2SK = {TableSchema.ClientOrders.SortKey}`"
                : "";
            doc.AppendLine($"| {migration} | {type.Name} | `{type.PartitionKey}` | `{type.SortKey}` | {index} | {Cell(type.Description)} |");
        }

        doc.AppendLine();
        doc.AppendLine("## Access patterns");
        doc.AppendLine();
        doc.AppendLine("Each is served by one request.");
        doc.AppendLine();
        doc.AppendLine("| Access pattern | Service | Request | Index | Key condition | Filter | Returns |");
        doc.AppendLine("| --- | --- | --- | --- | --- | --- | --- |");
        foreach (var pattern in TableSchema.AccessPatterns)
        {
            doc.AppendLine($"| {pattern.Name} | {pattern.Service} | {pattern.Operation} | {pattern.Index ?? "table"} | `{pattern.KeyCondition}` | {Code(pattern.Filter)} | {pattern.ItemTypes} |");
        }

        doc.AppendLine();
        doc.AppendLine("## Events and their versions");
        doc.AppendLine();
        doc.AppendLine("Each event is written under its current name. A stored event is never rewritten: an event written under an");
        doc.AppendLine("older name is read through the upcaster declared next to the event and folds as the current version.");
        doc.AppendLine();
        doc.AppendLine("| Stream | Event (current) | Record | Still read from (upcast) |");
        doc.AppendLine("| --- | --- | --- | --- |");
        foreach (var (stream, map) in new[] { ("author, book", CatalogEvents.Types), ("client", ClientsEvents.Types), ("order", OrderEvents.Types) })
        {
            foreach (var chain in map.Chains.OrderBy(c => c.Name, StringComparer.Ordinal))
            {
                doc.AppendLine($"| {stream} | `{chain.Name}` | {chain.Type.Name} | {string.Join(", ", chain.Older.Select(o => $"`{o}` → `{chain.Name}`"))} |");
            }
        }

        doc.AppendLine();
        doc.AppendLine("## Migrations");
        doc.AppendLine();
        doc.AppendLine("In `shared/Microservices.Schema/Migrations/`, applied in order by `ops migrate up` (see `docs/migrations.md`).");
        doc.AppendLine();
        doc.AppendLine("| Version | Name | Item types | Down | What it changes |");
        doc.AppendLine("| --- | --- | --- | --- | --- |");
        foreach (var migration in TableMigrations.Catalog.All)
        {
            doc.AppendLine($"| {migration.Version} | {migration.Name} | {string.Join(", ", migration.ItemTypes)} | {(migration.Reversible ? "yes" : "no")} | {Cell(migration.Description)} |");
        }

        doc.AppendLine();
        doc.AppendLine("## The table as a grid");
        doc.AppendLine();
        doc.AppendLine("One sample item of each type, partition by partition, as the table stores them.");
        foreach (var partition in TableSchema.ItemTypeSpecs.Select(SampleItem).GroupBy(i => i.PK).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            doc.AppendLine();
            doc.AppendLine($"**`{partition.Key}`**");
            doc.AppendLine();
            doc.AppendLine("| SK | ItemType | GSI1PK | GSI1SK | Attributes |");
            doc.AppendLine("| --- | --- | --- | --- | --- |");
            foreach (var item in partition.OrderBy(i => i.SK, StringComparer.Ordinal))
            {
                doc.AppendLine($"| `{item.SK}` | {item.Type} | {Code(item.Gsi1Pk)} | {Code(item.Gsi1Sk)} | {Cell(item.Attributes)} |");
            }
        }

        return doc.ToString();
    }

    private sealed record Sample(string PK, string SK, string Type, string? Gsi1Pk, string? Gsi1Sk, string Attributes);

    private static Sample SampleItem(ItemTypeSpec type)
    {
        string Fill(KeyTemplate template) => template.Build(template.Parts.Select(p => type.Sample.GetValueOrDefault(p, p)).ToArray());
        var attributes = string.Join(", ", type.Attributes
            .Where(a => type.Sample.ContainsKey(a.Name))
            .Select(a => $"{a.Name}: {type.Sample[a.Name]}"));
        return new Sample(
            Fill(type.PartitionKey),
            Fill(type.SortKey),
            type.Name,
            type.Index is null ? null : Fill(type.Index.PartitionKey),
            type.Index is null ? null : Fill(type.Index.SortKey),
            attributes);
    }

    private static string Code(object? value) => value is null ? "" : $"`{value}`";

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}
