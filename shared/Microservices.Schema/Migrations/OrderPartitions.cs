using Amazon.DynamoDBv2.Model;
using Microservices.Migrations;

namespace Microservices.Schema.Migrations;

/// <summary>
/// Migration 3, a re-key: an order and its lines move out of the client's partition into the order's own
/// (<see cref="TableSchema.OrderV3"/>, <see cref="TableSchema.OrderLineV3"/>), and the head carries GSI2 keys
/// (<see cref="TableSchema.ClientOrders"/>). Before it a client's orders are listed by reading the client's partition
/// and filtering the lines out, which still pay for the lines; after it the list is one Query of GSI2 that only heads
/// are in, and an order with its lines is one Query of its partition. Each order moves whole, head and lines, in one
/// transaction guarded on the head's version and client copy, so a status change or a copy update that came in
/// between refuses the move and the order is read again; the Orders service and worker read both places while a run
/// is under way (<c>Orders.Domain.OrderLayout</c>). Needs GSI2, which migration 1 created. Down moves them back.
/// </summary>
public sealed class OrderPartitions : Migration
{
    public const int Number = 3;

    private static readonly string[] GuardedAttributes = [Attributes.Version, Attributes.ClientVersion];

    public override int Version => Number;

    public override string Name => "order-partitions";

    public override string Description => "Orders re-keyed: head (SK = ORDER) and lines (SK = LINE#{lineNo}) in PK = ORDER#{orderId}; a client's orders from GSI2 (GSI2PK = CLIENTORDERS#{clientId}), heads only.";

    /// <summary>The heads: each brings its lines along.</summary>
    public override IReadOnlyList<string> ItemTypes { get; } = [Schema.ItemTypes.Order];

    public override bool Reversible => true;

    public override async ValueTask<ItemChange?> UpAsync(Dictionary<string, AttributeValue> item, MigrationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(context);
        var (clientId, orderId) = (item[Attributes.ClientId].S, item[Attributes.OrderId].S);
        if (item[Attributes.PK].S != Keys.ClientPartition(clientId))
        {
            return null; // in its own partition already
        }

        var lines = await context.QueryAllAsync(LinesQuery(context.Table, Keys.ClientPartition(clientId), Keys.OrderLinesPrefix(orderId)), cancellationToken).ToListAsync(cancellationToken);
        return ItemChange.Move(context.Table, [item, .. lines], [InOrderPartition(item), .. lines.Select(InOrderPartition)], GuardedAttributes);
    }

    public override async ValueTask<ItemChange?> DownAsync(Dictionary<string, AttributeValue> item, MigrationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(context);
        var orderId = item[Attributes.OrderId].S;
        if (item[Attributes.PK].S != Keys.OrderPartition(orderId))
        {
            return null;
        }

        var lines = await context.QueryAllAsync(LinesQuery(context.Table, Keys.OrderPartition(orderId), Keys.OrderLinesPrefixV3), cancellationToken).ToListAsync(cancellationToken);
        var clientId = item[Attributes.ClientId].S;
        return ItemChange.Move(context.Table, [item, .. lines], [InClientPartition(item, clientId), .. lines.Select(l => InClientPartition(l, clientId))], GuardedAttributes);
    }

    /// <summary>An order head or line as it is kept from this migration on: the same attributes under the new keys.</summary>
    public static Dictionary<string, AttributeValue> InOrderPartition(IReadOnlyDictionary<string, AttributeValue> item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var orderId = item[Attributes.OrderId].S;
        var moved = new Dictionary<string, AttributeValue>(item);
        if (item[Attributes.ItemType].S == Schema.ItemTypes.Order)
        {
            var key = Keys.OrderV3(orderId);
            moved[Attributes.PK] = new(key.PK);
            moved[Attributes.SK] = new(key.SK);
            moved[Attributes.GSI2PK] = new(Keys.ClientOrdersIndexKey(item[Attributes.ClientId].S));
            moved[Attributes.GSI2SK] = new(Keys.ClientOrdersIndexSortKey(orderId));
        }
        else
        {
            var key = Keys.OrderLineV3(orderId, LineNo(item));
            moved[Attributes.PK] = new(key.PK);
            moved[Attributes.SK] = new(key.SK);
        }

        return moved;
    }

    /// <summary>An order head or line as it was kept before this migration (a line needs its order's client).</summary>
    public static Dictionary<string, AttributeValue> InClientPartition(IReadOnlyDictionary<string, AttributeValue> item, string clientId)
    {
        ArgumentNullException.ThrowIfNull(item);
        var orderId = item[Attributes.OrderId].S;
        var moved = new Dictionary<string, AttributeValue>(item);
        var key = item[Attributes.ItemType].S == Schema.ItemTypes.Order ? Keys.Order(clientId, orderId) : Keys.OrderLine(clientId, orderId, LineNo(item));
        moved[Attributes.PK] = new(key.PK);
        moved[Attributes.SK] = new(key.SK);
        moved.Remove(Attributes.GSI2PK);
        moved.Remove(Attributes.GSI2SK);
        return moved;
    }

    private static int LineNo(IReadOnlyDictionary<string, AttributeValue> line) => int.Parse(line[Attributes.LineNo].N, System.Globalization.CultureInfo.InvariantCulture);

    private static QueryRequest LinesQuery(string table, string partition, string linesPrefix) => new()
    {
        TableName = table,
        KeyConditionExpression = "PK = :pk AND begins_with(SK, :lines)",
        ExpressionAttributeValues = new() { [":pk"] = new(partition), [":lines"] = new(linesPrefix) },
        ConsistentRead = true,
    };
}
