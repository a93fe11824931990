using Microservices.Migrations;

namespace Microservices.Schema.Migrations;

/// <summary>Every migration of this table, in order. A new one goes in this folder and at the end of this list.</summary>
public static class TableMigrations
{
    public static MigrationCatalog Catalog { get; } = new([new ClientsByEmail(), new BookCurrency(), new OrderPartitions()]);

    /// <summary>The ones the services take part in, writing the new shape while they run.</summary>
    public static IReadOnlyList<InPlaceMigration> InPlace { get; } = [.. Catalog.All.OfType<InPlaceMigration>()];
}
