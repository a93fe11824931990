using Amazon.DynamoDBv2.Model;
using Microservices.Migrations;
using Microservices.SingleTable;

namespace Microservices.Schema.Migrations;

/// <summary>
/// Migration 1, a new access pattern on live data: clients by email, from one Query on a new index (GSI2). Expand
/// creates GSI2 and waits until it is active; the services then write every client with its GSI2 keys, and the
/// backfill gives them to every client written before. Down removes the keys from every client, then the index.
/// </summary>
public sealed class ClientsByEmail : InPlaceMigration
{
    public const int Number = 1;

    public override int Version => Number;

    public override string Name => "clients-by-email";

    public override string Description => "Clients by email: GSI2 (GSI2PK = CLIENTEMAIL#{email}, GSI2SK = CLIENT#{clientId}) on every client item.";

    public override IReadOnlyList<string> ItemTypes { get; } = [Schema.ItemTypes.Client];

    /// <summary>GSI2, which expand creates and retract removes.</summary>
    public static CreateGlobalSecondaryIndexAction Gsi2 { get; } = TableIndexes.Definition(TableSchema.Gsi2, TableLayout.GSI2PK, TableLayout.GSI2SK);

    public override IReadOnlyList<CreateGlobalSecondaryIndexAction> Indexes { get; } = [Gsi2];

    public override IReadOnlyCollection<string> Guard { get; } = [Attributes.Email, Attributes.Version];

    public override Dictionary<string, AttributeValue> NewShape(IReadOnlyDictionary<string, AttributeValue> item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return new(item)
        {
            [Attributes.GSI2PK] = new(Keys.ClientEmailIndexKey(item[Attributes.Email].S)),
            [Attributes.GSI2SK] = new(Keys.ClientEmailIndexSortKey(item[Attributes.ClientId].S)),
        };
    }

    public override Dictionary<string, AttributeValue> OldShape(IReadOnlyDictionary<string, AttributeValue> item)
    {
        var old = new Dictionary<string, AttributeValue>(item);
        old.Remove(Attributes.GSI2PK);
        old.Remove(Attributes.GSI2SK);
        return old;
    }

    public override Task ExpandAsync(MigrationContext context, CancellationToken cancellationToken) =>
        TableIndexes.EnsureAsync(context.Dynamo, context.Table, Gsi2, cancellationToken);

    public override Task RetractAsync(MigrationContext context, CancellationToken cancellationToken) =>
        TableIndexes.RemoveAsync(context.Dynamo, context.Table, TableSchema.Gsi2, cancellationToken);
}
