using Amazon.DynamoDBv2.Model;

namespace Microservices.Migrations;

/// <summary>
/// One change of the model, made while traffic flows: <see cref="ExpandAsync"/> prepares the new shape (an index),
/// the backfill hands every item of <see cref="ItemTypes"/> to <see cref="UpAsync"/> and writes the change it returns
/// under its guard, and <see cref="ContractAsync"/> removes the old shape once the check has proved the new one
/// complete. The services that write these items know the migration's state (its history item) and
/// write the new shape as well from the moment it starts, so the backfill only converts what was there before.
/// </summary>
public abstract class Migration
{
    /// <summary>Its place in the order: 1, 2, 3... A migration runs only once the one before it is applied.</summary>
    public abstract int Version { get; }

    /// <summary>A short name that stays, e.g. "clients-by-email".</summary>
    public abstract string Name { get; }

    public abstract string Description { get; }

    /// <summary>The item types the backfill visits (the scan filters on them); it is handed no other item.</summary>
    public abstract IReadOnlyList<string> ItemTypes { get; }

    /// <summary>Whether <see cref="DownAsync"/> restores the old shape.</summary>
    public virtual bool Reversible => false;

    /// <summary>
    /// The global secondary indexes its expand adds to the table. A table created whole at the latest version (the CDK
    /// stack, services/Deploy) declares them from the start, and the expand then finds them there.
    /// </summary>
    public virtual IReadOnlyList<CreateGlobalSecondaryIndexAction> Indexes => [];

    /// <summary>
    /// Before the backfill: what the new shape needs first, such as an index created and active. Runs again when a
    /// killed run resumes, so it must find its own work done and do nothing.
    /// </summary>
    public virtual Task ExpandAsync(MigrationContext context, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// The change that brings <paramref name="item"/> to the new shape, or null when it has it already (a service
    /// wrote it so, or an earlier run did). The change's guard refuses it when the item changed after it was read.
    /// </summary>
    public abstract ValueTask<ItemChange?> UpAsync(Dictionary<string, AttributeValue> item, MigrationContext context, CancellationToken cancellationToken);

    /// <summary>After the check has proved the new shape complete: removes what only the old shape needed.</summary>
    public virtual Task ContractAsync(MigrationContext context, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The item types the down pass visits: those of the new shape.</summary>
    public virtual IReadOnlyList<string> DownItemTypes => ItemTypes;

    /// <summary>The change that brings an item back to the old shape, or null when it has it; only when <see cref="Reversible"/>.</summary>
    public virtual ValueTask<ItemChange?> DownAsync(Dictionary<string, AttributeValue> item, MigrationContext context, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"Migration {Version} ({Name}) cannot go down.");

    /// <summary>After the down pass: removes what only the new shape needed (the index the expand created).</summary>
    public virtual Task RetractAsync(MigrationContext context, CancellationToken cancellationToken) => Task.CompletedTask;

    public override string ToString() => $"{Version} ({Name})";
}
