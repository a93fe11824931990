using Amazon.DynamoDBv2;
using Microservices.Migrations;
using Microservices.SingleTable;

namespace Microservices.Schema.Migrations;

/// <summary>Every migration of this table, in order. A new one goes in this folder and at the end of this list.</summary>
public static class TableMigrations
{
    public static MigrationCatalog Catalog { get; } = new([new ClientsByEmail(), new BookCurrency(), new OrderPartitions()]);

    /// <summary>The ones the services take part in, writing the new shape while they run.</summary>
    public static IReadOnlyList<InPlaceMigration> InPlace { get; } = [.. Catalog.All.OfType<InPlaceMigration>()];

    /// <summary>
    /// A table just created starts at the latest version (<see cref="MigrationRunner.StartAtLatestAsync"/>): what a
    /// deployment's bootstrap and the one-command run do, before any service writes to it.
    /// </summary>
    public static Task<IReadOnlyList<int>> StartAtLatestAsync(IAmazonDynamoDB dynamo, DynamoDbOptions tables, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tables);
        var history = new MigrationHistory(dynamo, tables.LeaseTableName, tables.TableName);
        var runner = new MigrationRunner(dynamo, Catalog, history, (_, _, _) => throw new InvalidOperationException("A new table has nothing to prove."), new RunnerOptions(Owner: "bootstrap"));
        return runner.StartAtLatestAsync(cancellationToken);
    }
}
