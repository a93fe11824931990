using Microservices.Migrations;
using Microservices.Schema;
using Microservices.SingleTable;
using Microservices.Streams;

namespace Deploy;

/// <summary>
/// What one deployed process may do to the two tables, derived from the schema: the item types it writes (their
/// partition key templates give the <c>dynamodb:LeadingKeys</c> it may write under), its own event streams and
/// idempotency keys, whether it reads migration states, and whether it is the stream's consumer.
/// </summary>
/// <param name="Name">The process, as its container and role are named.</param>
/// <param name="Writes">The item types it puts, updates or deletes (TableSchema's Owner, and the copies its consumers write).</param>
/// <param name="StreamTypes">The event streams it appends to (<see cref="TableSchema.Event"/> items).</param>
/// <param name="IdempotencyService">Its name in idempotency keys (<see cref="TableSchema.Idempotency"/>), or null when it has no creates.</param>
/// <param name="ReadsMigrations">Reads migration states (<see cref="MigrationHistory.PartitionOf"/>) from the lease table.</param>
/// <param name="StreamConsumer">Reads the table's stream with leases, checkpoints and dead letters in the lease table under this consumer name.</param>
public sealed record ServiceAccess(
    string Name,
    IReadOnlyList<ItemTypeSpec> Writes,
    IReadOnlyList<string> StreamTypes,
    string? IdempotencyService,
    bool ReadsMigrations,
    string? StreamConsumer = null)
{
    /// <summary>
    /// The partition keys it may write under, as IAM StringLike patterns: each key template with every part a
    /// wildcard (<c>AUTHOR#{authorId}</c> gives <c>AUTHOR#*</c>), its own streams and idempotency keys with their
    /// first part fixed (<c>STREAM#author#*</c>, <c>IDEMPOTENCY#catalog#*</c>).
    /// </summary>
    public IReadOnlyList<string> WriteLeadingKeys =>
    [
        .. Writes.Select(t => Pattern(t.PartitionKey))
            .Concat(StreamTypes.Select(s => Pattern(TableSchema.Event.PartitionKey, s)))
            .Concat(IdempotencyService is null ? [] : [Pattern(TableSchema.Idempotency.PartitionKey, IdempotencyService)])
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal),
    ];

    /// <summary>Whether it writes anything to the single table.</summary>
    public bool WritesTable => WriteLeadingKeys.Count > 0;

    /// <summary>The lease table partitions it reads and writes as the stream's consumer.</summary>
    public IReadOnlyList<string> LeaseLeadingKeys =>
        StreamConsumer is null ? [] : [LeaseTable.ConsumerPartition(StreamConsumer), LeaseTable.DeadLetterPartition(StreamConsumer)];

    /// <summary>The key template with its first parts given and the rest wildcards.</summary>
    public static string Pattern(KeyTemplate template, params string[] leading)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(leading);
        return template.Build([.. leading, .. Enumerable.Repeat("*", template.Parts.Count - leading.Length)]);
    }

    /// <summary>Whether a partition key would be allowed by one of these patterns (IAM StringLike, '*' any run of characters).</summary>
    public static bool Matches(IEnumerable<string> patterns, string partitionKey) =>
        patterns.Any(p => System.Text.RegularExpressions.Regex.IsMatch(
            partitionKey, "^" + string.Join(".*", p.Split('*').Select(System.Text.RegularExpressions.Regex.Escape)) + "$", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1)));
}

/// <summary>
/// Who writes what, worked out from the code: each API writes its own item types with its events and idempotency keys
/// (TableSchema's Owner); the Catalog worker the genre copies, tombstones and book counts; the Orders worker the
/// client copies on orders (Order items, either shape) and the order aggregates; the relay nothing in the table.
/// </summary>
/// <remarks>
/// The service names and stream types are this process's names for what the services call them
/// (<c>CatalogService.Name</c>, <c>CatalogEvents.AuthorStream</c>...); tests/Microservices.Tests checks them against
/// the services, so this project needs no reference to any service.
/// </remarks>
public static class ServiceAccessTable
{
    public const string Catalog = "catalog";
    public const string Clients = "clients";
    public const string Orders = "orders";
    public const string CatalogWorker = "catalog-worker";
    public const string OrdersWorker = "orders-worker";
    public const string EventRelay = "event-relay";

    public static IReadOnlyList<ServiceAccess> All { get; } =
    [
        new(Catalog, [TableSchema.Author, TableSchema.Book], ["author", "book"], Catalog, ReadsMigrations: false),
        new(Clients, [TableSchema.Client, TableSchema.Address], ["client"], Clients, ReadsMigrations: true),
        new(Orders, [TableSchema.Order, TableSchema.OrderLine, TableSchema.BookSale, TableSchema.OrderV3, TableSchema.OrderLineV3], ["order"], Orders, ReadsMigrations: true),
        new(CatalogWorker, [TableSchema.GenreBook, TableSchema.GenreBookTombstone, TableSchema.AuthorStats, TableSchema.BookCountMarker, TableSchema.BookCountClosed], [], null, ReadsMigrations: false),
        new(OrdersWorker, [TableSchema.Order, TableSchema.OrderV3, TableSchema.ClientOrderStats, TableSchema.BookSales], [], null, ReadsMigrations: true),
        new(EventRelay, [], [], null, ReadsMigrations: false, StreamConsumer: global::EventRelay.EventRelayModule.ConsumerName),
    ];

    public static ServiceAccess Find(string name) => All.Single(s => s.Name == name);

    /// <summary>
    /// The item types whose partition another writer's items share, so that LeadingKeys cannot keep one writer from
    /// the other's items there: an IAM condition sees the partition key, never the sort key.
    /// </summary>
    public static IReadOnlyList<(ItemTypeSpec Type, string Writer, string Cohabitant)> SharedPartitions { get; } =
    [
        .. from writer in All
           from cohabitant in All
           where writer.Name != cohabitant.Name
           from type in writer.Writes
           where !cohabitant.Writes.Contains(type) && Matches(cohabitant, type)
           select (type, writer.Name, cohabitant.Name),
    ];

    /// <summary>Whether <paramref name="service"/>'s write LeadingKeys admit an item of <paramref name="type"/> (its sample key).</summary>
    public static bool Matches(ServiceAccess service, ItemTypeSpec type)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(type);
        return ServiceAccess.Matches(service.WriteLeadingKeys, SampleKey(type.PartitionKey));
    }

    /// <summary>A partition key of the template with every part filled, as an item would carry.</summary>
    public static string SampleKey(KeyTemplate template)
    {
        ArgumentNullException.ThrowIfNull(template);
        return template.Build([.. template.Parts.Select(p => "x" + p)]);
    }
}
