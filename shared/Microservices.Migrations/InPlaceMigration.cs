using Amazon.DynamoDBv2.Model;

namespace Microservices.Migrations;

/// <summary>
/// A migration that changes items where they are (attributes added, changed or removed; keys unchanged), given as two
/// pure functions of an item: <see cref="NewShape"/> and <see cref="OldShape"/>. The same function serves the
/// services, which give the items they write the new shape from the moment the run starts (<see cref="MigrationShaper"/>),
/// and the backfill, which changes every other item under a guard on <see cref="Guard"/>.
/// </summary>
public abstract class InPlaceMigration : Migration
{
    /// <summary>The attributes the new shape is computed from: the backfill's write is refused if any changed since it read them.</summary>
    public abstract IReadOnlyCollection<string> Guard { get; }

    public override bool Reversible => true;

    /// <summary>The item in the new shape (a copy; the argument is not changed).</summary>
    public abstract Dictionary<string, AttributeValue> NewShape(IReadOnlyDictionary<string, AttributeValue> item);

    /// <summary>The item in the old shape (a copy).</summary>
    public abstract Dictionary<string, AttributeValue> OldShape(IReadOnlyDictionary<string, AttributeValue> item);

    public override ValueTask<ItemChange?> UpAsync(Dictionary<string, AttributeValue> item, MigrationContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Change(context, item, NewShape(item)));

    public override ValueTask<ItemChange?> DownAsync(Dictionary<string, AttributeValue> item, MigrationContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Change(context, item, OldShape(item)));

    private ItemChange? Change(MigrationContext context, Dictionary<string, AttributeValue> before, Dictionary<string, AttributeValue> after)
    {
        ArgumentNullException.ThrowIfNull(context);
        var same = before.Count == after.Count && before.All(a => after.TryGetValue(a.Key, out var b) && ItemChange.Same(a.Value, b));
        return same ? null : ItemChange.InPlace(context.Table, before, after, Guard);
    }
}
