using Microservices.Migrations;
using Microservices.Schema.Migrations;

namespace Microservices.UnitTests.Migrations;

/// <summary>The pure pieces of the migrations: an in-place change's request, batches that fit a transaction, the catalog's order, migration 1's shapes.</summary>
public sealed class MigrationPieceTests
{
    private static readonly Dictionary<string, AttributeValue> Before = new()
    {
        [Attributes.PK] = new("CLIENT#c1"),
        [Attributes.SK] = new("CLIENT#c1"),
        [Attributes.ItemType] = new(ItemTypes.Client),
        [Attributes.ClientId] = new("c1"),
        [Attributes.Email] = new("Malin@Example.se"),
        [Attributes.Version] = new() { N = "3" },
        ["Legacy"] = new("gone after"),
    };

    [Fact]
    public void An_in_place_change_sets_what_differs_removes_what_is_gone_and_is_guarded_on_what_it_read()
    {
        var after = new Dictionary<string, AttributeValue>(Before) { ["Added"] = new("new") };
        after.Remove("Legacy");

        var update = Assert.Single(ItemChange.InPlace("T", Before, after, [Attributes.Email, Attributes.Version, "Missing"]).Writes).Update;

        Assert.Equal("SET #s0 = :s0 REMOVE #r0", update.UpdateExpression);
        Assert.Equal(("Added", "Legacy"), (update.ExpressionAttributeNames["#s0"], update.ExpressionAttributeNames["#r0"]));
        Assert.Equal("attribute_exists(PK) AND #g0 = :g0 AND #g1 = :g1 AND attribute_not_exists(#g2)", update.ConditionExpression);
        Assert.Equal(("Malin@Example.se", "3"), (update.ExpressionAttributeValues[":g0"].S, update.ExpressionAttributeValues[":g1"].N));
        Assert.Equal(("CLIENT#c1", "CLIENT#c1"), (update.Key[Attributes.PK].S, update.Key[Attributes.SK].S));
    }

    [Fact]
    public void A_change_that_changes_nothing_is_refused_as_a_migration_bug() =>
        Assert.Throws<ArgumentException>(() => ItemChange.InPlace("T", Before, new(Before), [Attributes.Version]));

    [Fact]
    public void Batches_fit_a_transaction_with_their_checkpoint_and_resume_after_their_last_item()
    {
        var visited = Enumerable.Range(0, 60)
            .Select(i => (Item: Key($"K{i:D2}"), Change: i % 3 == 0 ? null : new ItemChange([], [], [new TransactWriteItem(), new TransactWriteItem()])))
            .ToList();
        var pageEnd = Key("END");

        var batches = BackfillPass.Batches(visited, pageEnd).ToList();

        Assert.All(batches, b => Assert.True(b.Batch.Sum(v => v.Change?.Writes.Count ?? 0) + 1 <= DynamoDbLimits.MaxTransactionItems));
        Assert.Equal(60, batches.Sum(b => b.Batch.Count));
        Assert.Equal(visited.Select(v => v.Item[Attributes.PK].S), batches.SelectMany(b => b.Batch).Select(v => v.Item[Attributes.PK].S));
        Assert.All(batches.SkipLast(1), b => Assert.Equal(b.Batch[^1].Item[Attributes.PK].S, b.ResumeAfter![Attributes.PK].S));
        Assert.Same(pageEnd, batches[^1].ResumeAfter);
    }

    [Fact]
    public void An_empty_page_is_one_batch_that_only_moves_the_checkpoint() =>
        Assert.Empty(Assert.Single(BackfillPass.Batches([], null)).Batch);

    [Fact]
    public void The_catalog_refuses_a_gap_in_the_versions()
    {
        var error = Assert.Throws<ArgumentException>(() => new MigrationCatalog([new ClientsByEmail(), new Numbered(3)]));
        Assert.Contains("without a gap", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Migration_1_puts_the_lower_cased_email_in_GSI2_and_its_old_shape_is_the_item_as_it_was()
    {
        var migration = new ClientsByEmail();

        var shaped = migration.NewShape(Before);

        Assert.Equal("CLIENTEMAIL#malin@example.se", shaped[Attributes.GSI2PK].S);
        Assert.Equal("CLIENT#c1", shaped[Attributes.GSI2SK].S);
        Assert.Equal(Before.Keys.Order(StringComparer.Ordinal), migration.OldShape(shaped).Keys.Order(StringComparer.Ordinal));
        Assert.False(Before.ContainsKey(Attributes.GSI2PK)); // the argument is left as it was
    }

    [Fact]
    public void A_transactional_write_costs_two_units_a_kilobyte_of_the_item_written()
    {
        var big = new Dictionary<string, AttributeValue>(Before) { ["Text"] = new(new string('x', 1500)) };

        Assert.Equal(4, BackfillPass.WriteUnits(ItemChange.InPlace("T", Before, big, [Attributes.Version])));
    }

    private static Dictionary<string, AttributeValue> Key(string pk) => new() { [Attributes.PK] = new(pk), [Attributes.SK] = new(pk) };

    private sealed class Numbered(int version) : Migration
    {
        public override int Version => version;

        public override string Name => $"numbered-{version}";

        public override string Description => "";

        public override IReadOnlyList<string> ItemTypes { get; } = [];

        public override ValueTask<ItemChange?> UpAsync(Dictionary<string, AttributeValue> item, MigrationContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult<ItemChange?>(null);
    }
}
