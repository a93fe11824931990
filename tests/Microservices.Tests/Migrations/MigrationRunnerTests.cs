using Amazon.DynamoDBv2;
using Microservices.Migrations;
using Microservices.Schema.Migrations;

namespace Microservices.Tests.Migrations;

/// <summary>
/// The runner's refusals, each on a table of its own: what it refuses, it refuses before it writes anything, and says
/// why. A catalog of test migrations stands beside migration 1 where a case needs a second.
/// </summary>
public sealed class MigrationRunnerTests(DynamoDbLocalFixture dynamo) : IAsyncLifetime
{
    private DynamoDbOptions _tables = null!;
    private AmazonDynamoDBClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        _tables = await dynamo.CreateTablesAsync("migrate-runner");
        _client = DynamoDbLocalFixture.CreateClient(_tables);
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task An_unknown_version_is_refused()
    {
        var (exit, output) = await OpsTool.RunAsync(_tables, "migrate", "up", "--to", "7");

        Assert.True(exit == MigrateCommands.Refused, output);
        Assert.Contains($"There is no migration 7: this code knows versions 1 to {TableMigrations.Catalog.Latest}.", output, StringComparison.Ordinal);
        Assert.Empty(await History().ReadAllAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_table_ahead_of_the_code_is_refused_by_every_verb_that_changes_or_plans()
    {
        var ahead = TableMigrations.Catalog.Latest + 1;
        await History().PutAsync(new() { ["Version"] = new() { N = $"{ahead}" }, ["Name"] = new("from-a-newer-build"), ["State"] = new(nameof(MigrationState.Applied)) }, ahead, TestContext.Current.CancellationToken);

        foreach (var verb in new[] { "up", "down", "plan" })
        {
            var (exit, output) = await OpsTool.RunAsync(_tables, "migrate", verb);
            Assert.True(exit == MigrateCommands.Refused, $"{verb}: {output}");
            Assert.Contains($"is ahead of this code: it has {ahead} (from-a-newer-build, Applied)", output, StringComparison.Ordinal);
        }

        var (statusExit, status) = await OpsTool.RunAsync(_tables, "migrate", "status");
        Assert.Equal(0, statusExit);
        Assert.Contains("from-a-newer-build (unknown to this code)", status, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_migration_whose_predecessor_is_not_applied_is_refused()
    {
        await History().PutAsync(new() { ["Version"] = new() { N = "2" }, ["Name"] = new(TagBooks.Tag), ["State"] = new(nameof(MigrationState.Applied)) }, 2, TestContext.Current.CancellationToken);

        var refused = await Assert.ThrowsAsync<MigrationRefusedException>(() => Runner(new ClientsByEmail(), new TagBooks()).UpAsync(null, TestContext.Current.CancellationToken));

        Assert.Contains("its predecessor 1 is not applied", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_table_that_holds_items_or_a_history_is_refused_a_start_at_the_latest_version()
    {
        await _client.PutItemAsync(_tables.TableName, new() { [Attributes.PK] = new("CLIENT#c"), [Attributes.SK] = new("CLIENT#c") }, TestContext.Current.CancellationToken);

        var refused = await Assert.ThrowsAsync<MigrationRefusedException>(() => TableMigrations.StartAtLatestAsync(_client, _tables, TestContext.Current.CancellationToken));

        Assert.Contains("holds items", refused.Message, StringComparison.Ordinal);
        Assert.Empty(await History().ReadAllAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_second_runner_is_refused_and_told_whose_lease_it_is()
    {
        await using var first = await RunnerLease.TakeAsync(_client, History(), "first-runner", TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        var (exit, output) = await OpsTool.RunAsync(_tables, "migrate", "up");

        Assert.True(exit == MigrateCommands.Refused, output);
        Assert.Contains("Another runner (first-runner)", output, StringComparison.Ordinal);
        Assert.Empty(await History().ReadAllAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Down_is_refused_for_a_migration_that_has_no_down_and_changes_nothing()
    {
        var runner = Runner(new ClientsByEmail(), new OneWay());
        await runner.UpAsync(null, TestContext.Current.CancellationToken);

        var refused = await Assert.ThrowsAsync<MigrationRefusedException>(() => runner.DownAsync(0, TestContext.Current.CancellationToken));

        Assert.Contains("Migration 2 (one-way) cannot go down", refused.Message, StringComparison.Ordinal);
        Assert.All(await History().ReadAllAsync(TestContext.Current.CancellationToken), r => Assert.Equal(MigrationState.Applied, r.State));
    }

    private MigrationHistory History() => new(_client, _tables.LeaseTableName, _tables.TableName);

    private MigrationRunner Runner(params Migration[] migrations) => new(
        _client, new MigrationCatalog(migrations), History(), (_, _, _) => Task.FromResult<IReadOnlyList<string>>([]),
        new RunnerOptions(Propagation: TimeSpan.Zero));

    /// <summary>A second in-place migration for the cases that need one: a tag on every book.</summary>
    private sealed class TagBooks : InPlaceMigration
    {
        public const string Tag = "tag-books";

        public override int Version => 2;

        public override string Name => Tag;

        public override string Description => "A tag on every book.";

        public override IReadOnlyList<string> ItemTypes { get; } = [Schema.ItemTypes.Book];

        public override IReadOnlyCollection<string> Guard { get; } = [Attributes.Version];

        public override Dictionary<string, AttributeValue> NewShape(IReadOnlyDictionary<string, AttributeValue> item) => new(item) { ["Tagged"] = new() { BOOL = true } };

        public override Dictionary<string, AttributeValue> OldShape(IReadOnlyDictionary<string, AttributeValue> item)
        {
            var old = new Dictionary<string, AttributeValue>(item);
            old.Remove("Tagged");
            return old;
        }
    }

    /// <summary>A migration with no way back.</summary>
    private sealed class OneWay : Migration
    {
        public override int Version => 2;

        public override string Name => "one-way";

        public override string Description => "Changes nothing, and cannot be undone.";

        public override IReadOnlyList<string> ItemTypes { get; } = [Schema.ItemTypes.Book];

        public override ValueTask<ItemChange?> UpAsync(Dictionary<string, AttributeValue> item, MigrationContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult<ItemChange?>(null);
    }
}
