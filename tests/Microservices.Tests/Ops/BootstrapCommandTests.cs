using Microservices.Migrations;
using Microservices.Schema.Migrations;

namespace Microservices.Tests.Ops;

/// <summary>
/// <c>ops bootstrap</c> run as compose runs it, on tables that do not exist yet: it creates the single table (with
/// its stream) and the lease table (without one), and a second run, as compose's <c>restart: on-failure</c> may make
/// it, creates nothing and exits 0.
/// </summary>
public sealed class BootstrapCommandTests(DynamoDbLocalFixture dynamo)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Bootstrap_run_twice_creates_the_tables_once_and_the_second_run_creates_nothing_and_exits_0()
    {
        var tables = dynamo.NewTables("bootstrap-twice");
        using var client = DynamoDbLocalFixture.CreateClient(tables);
        Assert.Empty(await TablesOfAsync(client, tables));

        var first = await OpsTool.RunAsync(tables, "bootstrap");
        var created = await TablesOfAsync(client, tables);
        var second = await OpsTool.RunAsync(tables, "bootstrap");
        var afterSecond = await TablesOfAsync(client, tables);

        Assert.True(first.ExitCode == 0, first.Output);
        Assert.Contains($"Created {tables.TableName} and {tables.LeaseTableName}, at migration {TableMigrations.Catalog.Latest}.", first.Output, StringComparison.Ordinal);
        Assert.Equal([tables.TableName, tables.LeaseTableName], created.Select(t => t.TableName));
        // A new table starts at the latest version: every migration applied, GSI2 there, nothing visited.
        Assert.All(await MigrationRecords.ReadAsync(tables), r => Assert.Equal((MigrationState.Applied, 0L), (r.State, r.Visited)));
        Assert.Equal(TableMigrations.Catalog.Latest, (await MigrationRecords.ReadAsync(tables)).Count);
        Assert.Contains(created[0].GlobalSecondaryIndexes, i => i.IndexName == TableSchema.Gsi2);
        Assert.True(second.ExitCode == 0, second.Output);
        Assert.Contains($"{tables.TableName} already exists.", second.Output, StringComparison.Ordinal);
        // The same two tables, not deleted and made again: the same creation times.
        Assert.Equal(created.Select(t => (t.TableName, t.CreationDateTime)), afterSecond.Select(t => (t.TableName, t.CreationDateTime)));
    }

    [Fact]
    public async Task Bootstrap_gives_the_single_table_a_stream_and_the_lease_table_none()
    {
        var tables = dynamo.NewTables("bootstrap-streams");
        using var client = DynamoDbLocalFixture.CreateClient(tables);

        var run = await OpsTool.RunAsync(tables, "bootstrap");
        var (single, leases) = await TablesOfAsync(client, tables) is [var s, var l] ? (s, l) : throw new InvalidOperationException("two tables expected");

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.NotNull(single.LatestStreamArn);
        Assert.True(single.StreamSpecification?.StreamEnabled == true);
        // Writing a checkpoint must never produce a stream record that would need another checkpoint.
        Assert.Null(leases.LatestStreamArn);
        Assert.NotEqual(true, leases.StreamSpecification?.StreamEnabled);
    }

    /// <summary>The single table then the lease table, those of them that exist.</summary>
    private static async Task<List<TableDescription>> TablesOfAsync(Amazon.DynamoDBv2.AmazonDynamoDBClient client, DynamoDbOptions tables)
    {
        var found = new List<TableDescription>();
        foreach (var name in new[] { tables.TableName, tables.LeaseTableName })
        {
            try
            {
                found.Add((await client.DescribeTableAsync(name, Cancellation)).Table);
            }
            catch (ResourceNotFoundException)
            {
                // not there (yet)
            }
        }

        return found;
    }
}
