using Microservices.Migrations;

namespace Microservices.Tests.Infrastructure;

/// <summary>The migration history of a test's table, as the runner keeps it in the lease table.</summary>
public static class MigrationRecords
{
    public static async Task<IReadOnlyList<MigrationRecord>> ReadAsync(DynamoDbOptions tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        using var client = DynamoDbLocalFixture.CreateClient(tables);
        return await new MigrationHistory(client, tables.LeaseTableName, tables.TableName).ReadAllAsync(TestContext.Current.CancellationToken);
    }
}
