using Catalog.Api;

namespace Microservices.Tests.Ops;

/// <summary>
/// The harness's command line, run as a user runs it: <c>ops check</c> exits 0 with an empty report on a converged
/// table, and reports each corruption made by hand with its exact keys, field, expected and found values (exit 1);
/// <c>ops repair</c> fixes copies and aggregates so a second check is clean, and leaves a gap in a stream reported.
/// </summary>
[TakesAbout(25)]
public sealed class HarnessCommandTests(DynamoDbLocalFixture dynamo, RabbitMqFixture rabbit) : ApiTest<CatalogService>(dynamo, "harness")
{
    private string _herbert = null!;
    private string _banks = null!;
    private string _dune = null!;
    private string _earthsea = null!;
    private string _reportPath = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _reportPath = Path.Combine(Path.GetTempPath(), $"consistency-{Guid.NewGuid():N}.json");

        (_herbert, var version) = await Http.RegisterAuthorAsync("Frank Herbert");
        var (leGuin, _) = await Http.RegisterAuthorAsync("Ursula K. Le Guin");
        (_banks, _) = await Http.RegisterAuthorAsync("Iain Banks");
        (_dune, _) = await Http.AddBookAsync(_herbert, "Dune", "science-fiction", 10.99m);
        (_earthsea, _) = await Http.AddBookAsync(leGuin, "A Wizard of Earthsea", "fantasy", 8.99m);
        await Http.RenameAuthorAsync(_herbert, "Franklin Patrick Herbert", version);
        await CatalogChecks.UntilNoDriftAsync(Tables);
        await Eventually.Until(() => Http.GetAsync("/genres/science-fiction/books"),
            list => ApiClient.Items(list).Single()!["authorName"]!.GetValue<string>() == "Franklin Patrick Herbert");
        // Stop the worker, so nothing repairs what the tests break.
        await Worker!.StopAsync(Cancellation);
    }

    protected override async Task<IHost?> StartWorkerAsync(DynamoDbOptions tables) =>
        await GenreWorker.StartAsync(tables, await rabbit.NewVirtualHostAsync("harness"));

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        File.Delete(_reportPath);
    }

    [Fact]
    public async Task Check_on_a_converged_table_exits_0_with_a_report_of_zero_anomalies()
    {
        var (exitCode, report, output) = await RunOpsAsync("check");

        Assert.True(exitCode == 0, output);
        Assert.Empty(report.Anomalies);
        Assert.Equal([ConsistencyCheck.Streams, ConsistencyCheck.Copies, ConsistencyCheck.Aggregates, ConsistencyCheck.Shapes], report.Invariants.Select(i => i.Invariant));
        Assert.Equal(5, report.Invariants.Single(i => i.Invariant == ConsistencyCheck.Streams).Checked); // three authors, two books
        Assert.Equal(2, report.Invariants.Single(i => i.Invariant == ConsistencyCheck.Copies).Checked);
        Assert.Equal(3, report.Invariants.Single(i => i.Invariant == ConsistencyCheck.Aggregates).Checked);
        Assert.Contains("Clean", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_changed_a_deleted_and_an_orphan_copy_are_each_reported_with_keys_field_expected_and_found()
    {
        var copies = await TableItems.GenreCopiesAsync(Tables);
        var dune = copies.Single(c => c[Attributes.BookId].S == _dune);
        var earthsea = copies.Single(c => c[Attributes.BookId].S == _earthsea);
        using var client = DynamoDbLocalFixture.CreateClient(Tables);
        await SetAsync(client, KeyOf(dune), Attributes.AuthorName, new("Frank Herbert"));
        await client.DeleteItemAsync(Tables.TableName, TableItems.KeyOf(earthsea), Cancellation);
        var ghostId = new string('e', 32);
        var ghost = Keys.GenreBook("fantasy", ghostId);
        await client.PutItemAsync(Tables.TableName, new Dictionary<string, AttributeValue>(earthsea)
        {
            [Attributes.PK] = new(ghost.PK),
            [Attributes.SK] = new(ghost.SK),
            [Attributes.BookId] = new(ghostId),
        }, Cancellation);

        var (exitCode, report, output) = await RunOpsAsync("check");

        Assert.True(exitCode == 1, output);
        Assert.Equal(
            [
                new AnomalyEntry(ConsistencyCheck.Copies, "drifted", dune[Attributes.PK].S, dune[Attributes.SK].S, Attributes.AuthorName, "Franklin Patrick Herbert", "Frank Herbert"),
                new AnomalyEntry(ConsistencyCheck.Copies, "missing", earthsea[Attributes.PK].S, earthsea[Attributes.SK].S, "", null, null),
                new AnomalyEntry(ConsistencyCheck.Copies, "orphan", ghost.PK, ghost.SK, "", null, $"no book {ghostId}"),
            ],
            report.Anomalies.OrderBy(a => a.Kind, StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_changed_aggregate_a_gap_in_a_stream_and_a_changed_canonical_version_are_each_reported_exactly()
    {
        using var client = DynamoDbLocalFixture.CreateClient(Tables);
        var stats = Keys.AuthorStats(_herbert);
        await SetAsync(client, stats, Attributes.BookCount, new() { N = "7" });
        var firstEvent = Keys.Event("author", _herbert, 1); // the registration; the rename (version 2) stays
        await client.DeleteItemAsync(Tables.TableName, Key(firstEvent), Cancellation);
        var banks = Keys.Author(_banks);
        await SetAsync(client, banks, Attributes.Version, new() { N = "3" });

        var (exitCode, report, output) = await RunOpsAsync("check");

        Assert.True(exitCode == 1, output);
        Assert.Equal(
            [
                new AnomalyEntry(ConsistencyCheck.Aggregates, "drifted", stats.PK, stats.SK, Attributes.BookCount, "1", "7"),
                new AnomalyEntry(ConsistencyCheck.Streams, "drifted", banks.PK, banks.SK, Attributes.Version, "1", "3"),
                new AnomalyEntry(ConsistencyCheck.Streams, "gap", firstEvent.PK, firstEvent.SK, Attributes.Version, "1", null),
            ],
            report.Anomalies.OrderBy(a => a.Invariant, StringComparer.Ordinal).ThenBy(a => a.Kind, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Repair_rewrites_drifted_and_missing_copies_and_aggregates_and_deletes_orphans_so_a_second_check_exits_0()
    {
        var copies = await TableItems.GenreCopiesAsync(Tables);
        var dune = copies.Single(c => c[Attributes.BookId].S == _dune);
        var earthsea = copies.Single(c => c[Attributes.BookId].S == _earthsea);
        using var client = DynamoDbLocalFixture.CreateClient(Tables);
        await SetAsync(client, KeyOf(dune), Attributes.Price, new() { N = "1.5" });
        await client.DeleteItemAsync(Tables.TableName, TableItems.KeyOf(earthsea), Cancellation);
        var ghost = Keys.GenreBook("fantasy", new string('e', 32));
        await client.PutItemAsync(Tables.TableName, new Dictionary<string, AttributeValue>(earthsea)
        {
            [Attributes.PK] = new(ghost.PK),
            [Attributes.SK] = new(ghost.SK),
        }, Cancellation);
        await SetAsync(client, Keys.AuthorStats(_herbert), Attributes.BookCount, new() { N = "7" });
        await client.DeleteItemAsync(Tables.TableName, Key(Keys.AuthorStats(_banks)), Cancellation);
        Assert.Equal(1, (await RunOpsAsync("check")).ExitCode);

        var (repairExit, repairReport, repairOutput) = await RunOpsAsync("repair");
        var (checkExit, checkReport, checkOutput) = await RunOpsAsync("check");

        Assert.True(repairExit == 0, repairOutput);
        Assert.Empty(repairReport.Anomalies);
        Assert.True(checkExit == 0, checkOutput);
        Assert.Empty(checkReport.Anomalies);
        Assert.Equal("10.99", (await GetAsync(client, KeyOf(dune)))![Attributes.Price].N);
        Assert.Null(await GetAsync(client, ghost));
        Assert.Equal("0", (await GetAsync(client, Keys.AuthorStats(_banks)))![Attributes.BookCount].N);
    }

    [Fact]
    public async Task A_lost_book_marker_and_a_wrong_count_are_reported_and_repaired_together()
    {
        using var client = DynamoDbLocalFixture.CreateClient(Tables);
        var marker = Keys.BookCountMarker(_herbert, _dune);
        var stats = Keys.AuthorStats(_herbert);
        await client.DeleteItemAsync(Tables.TableName, Key(marker), Cancellation);
        await SetAsync(client, stats, Attributes.BookCount, new() { N = "5" });

        var (exitCode, report, output) = await RunOpsAsync("check");

        Assert.True(exitCode == 1, output);
        Assert.Equal(
            [
                new AnomalyEntry(ConsistencyCheck.Aggregates, "drifted", stats.PK, stats.SK, Attributes.BookCount, "1", "5"),
                new AnomalyEntry(ConsistencyCheck.Aggregates, "missing", marker.PK, marker.SK, "", null, null),
            ],
            report.Anomalies.OrderBy(a => a.Kind, StringComparer.Ordinal));

        var (repairExit, _, repairOutput) = await RunOpsAsync("repair");
        var (checkExit, _, checkOutput) = await RunOpsAsync("check");

        Assert.True(repairExit == 0, repairOutput);
        Assert.True(checkExit == 0, checkOutput);
        Assert.Equal("1", (await GetAsync(client, stats))![Attributes.BookCount].N);
        Assert.Equal(CountStates.Counted, (await GetAsync(client, marker))![Attributes.CountState].S);
    }

    [Fact]
    public async Task Repair_leaves_a_gap_in_an_event_stream_reported_and_exits_1()
    {
        using var client = DynamoDbLocalFixture.CreateClient(Tables);
        var firstEvent = Keys.Event("author", _herbert, 1);
        await client.DeleteItemAsync(Tables.TableName, Key(firstEvent), Cancellation);

        var (repairExit, repairReport, repairOutput) = await RunOpsAsync("repair");

        Assert.True(repairExit == 1, repairOutput);
        var gap = Assert.Single(repairReport.Anomalies);
        Assert.Equal(new AnomalyEntry(ConsistencyCheck.Streams, "gap", firstEvent.PK, firstEvent.SK, Attributes.Version, "1", null), gap);
        Assert.NotNull(await GetAsync(client, Keys.Event("author", _herbert, 2)));
    }

    [Fact]
    public async Task Repair_never_overwrites_a_copy_a_worker_wrote_from_a_newer_source_version()
    {
        var dune = (await TableItems.GenreCopiesAsync(Tables)).Single(c => c[Attributes.BookId].S == _dune);
        using var client = DynamoDbLocalFixture.CreateClient(Tables);
        // As if a worker had already copied version 5 of the book, which this snapshot's book item does not have yet.
        await client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = Tables.TableName,
            Key = TableItems.KeyOf(dune),
            UpdateExpression = "SET Price = :price, BookVersion = :version",
            ExpressionAttributeValues = new() { [":price"] = new() { N = "12.5" }, [":version"] = new() { N = "5" } },
        }, Cancellation);

        var (repairExit, _, repairOutput) = await RunOpsAsync("repair");

        Assert.True(repairExit == 1, repairOutput);
        Assert.Contains("1 refused", repairOutput, StringComparison.Ordinal);
        Assert.Equal(("12.5", "5"), ((await GetAsync(client, KeyOf(dune)))![Attributes.Price].N, (await GetAsync(client, KeyOf(dune)))![Attributes.BookVersion].N));
    }

    private async Task SetAsync(Amazon.DynamoDBv2.AmazonDynamoDBClient client, ItemKey key, string attribute, AttributeValue value) =>
        await client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = Tables.TableName,
            Key = Key(key),
            UpdateExpression = "SET #a = :v",
            ConditionExpression = "attribute_exists(PK)",
            ExpressionAttributeNames = new() { ["#a"] = attribute },
            ExpressionAttributeValues = new() { [":v"] = value },
        }, Cancellation);

    private async Task<Dictionary<string, AttributeValue>?> GetAsync(Amazon.DynamoDBv2.AmazonDynamoDBClient client, ItemKey key)
    {
        var response = await client.GetItemAsync(new GetItemRequest { TableName = Tables.TableName, Key = Key(key), ConsistentRead = true }, Cancellation);
        return response.IsItemSet ? response.Item : null;
    }

    private static Dictionary<string, AttributeValue> Key(ItemKey key) => new() { [Attributes.PK] = new(key.PK), [Attributes.SK] = new(key.SK) };

    private static ItemKey KeyOf(Dictionary<string, AttributeValue> item) => new(item[Attributes.PK].S, item[Attributes.SK].S);

    /// <summary>Runs the real command-line tool with 4 scan segments and returns its exit code, the JSON report it wrote and its output.</summary>
    private async Task<(int ExitCode, ConsistencyReport Report, string Output)> RunOpsAsync(string verb)
    {
        var (exitCode, output) = await OpsTool.RunAsync(Tables, verb, "--segments", "4", "--report", _reportPath);
        return (exitCode, ConsistencyReport.FromJson(await File.ReadAllTextAsync(_reportPath, Cancellation)), output);
    }
}
