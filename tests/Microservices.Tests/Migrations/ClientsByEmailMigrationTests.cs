using Amazon.DynamoDBv2;
using Clients.Api;
using Clients.Domain;
using Microservices.Migrations;
using Microservices.Schema.Migrations;
using Microservices.Tests.Clients;

namespace Microservices.Tests.Migrations;

/// <summary>
/// Migration 1 (clients by email) run as a user runs it, <c>ops migrate</c> in a process of its own, on a table the
/// Clients service keeps serving: up, down, a dry run, a runner killed halfway, and commands running throughout.
/// </summary>
[TakesAbout(85)]
public sealed class ClientsByEmailMigrationTests(DynamoDbLocalFixture dynamo) : ApiTest<ClientsService>(dynamo, "migrate-email")
{
    [Fact]
    public async Task Before_migration_1_the_email_route_answers_503_and_no_client_carries_GSI2_keys()
    {
        await Http.RegisterAsync("Malin Persson", "Malin@Example.se");

        var problem = await Http.GetAsync("/clients/by-email?email=malin@example.se", HttpStatusCode.ServiceUnavailable);

        Assert.Contains("migration 1", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.All(await ClientItemsAsync(), c => Assert.False(c.ContainsKey(Attributes.GSI2PK)));
    }

    [Fact]
    public async Task Up_gives_every_client_written_before_it_its_email_keys_and_the_route_finds_them_in_any_case()
    {
        var shared = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            var (id, _) = await Http.RegisterAsync($"Client {i}", i < 2 ? "Shared@Example.se" : $"client{i}@example.se");
            if (i < 2)
            {
                shared.Add(id);
            }
        }

        var (exit, output) = await OpsTool.RunAsync(Tables, "migrate", "up", "--to", "1");

        Assert.True(exit == 0, output);
        var record = Assert.Single(await HistoryAsync());
        Assert.Equal((MigrationState.Applied, 12L, 12L), (record.State, record.Visited, record.Changed));
        Assert.Equal(IndexStatus.ACTIVE, await Gsi2StatusAsync());
        var found = await Eventually.Until(() => Http.Http.GetAsync("/clients/by-email?email=shared@EXAMPLE.se", TestContext.Current.CancellationToken),
            r => r.StatusCode == HttpStatusCode.OK, what: "the route to see the migration applied");
        var clients = JsonNode.Parse(await found.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!.AsArray();
        Assert.Equal(shared.Order(StringComparer.Ordinal), clients.Select(c => c!["clientId"]!.GetValue<string>()).Order(StringComparer.Ordinal));

        // A client registered now is written in the new shape by the service itself.
        var (late, _) = await Http.RegisterAsync("Late Client", "late@example.se");
        Assert.Equal(late, Assert.Single((await Http.GetAsync("/clients/by-email?email=late@example.se")).AsArray())!["clientId"]!.GetValue<string>());
        var (checkExit, checkOutput) = await OpsTool.RunAsync(Tables, "check", "--report", Path.GetTempFileName());
        Assert.True(checkExit == 0, checkOutput);
    }

    [Fact]
    public async Task A_dry_run_counts_what_would_change_and_leaves_the_table_byte_for_byte_as_it_was()
    {
        for (var i = 0; i < 5; i++)
        {
            await Http.RegisterAsync($"Planned {i}", $"planned{i}@example.se");
        }

        var before = await SnapshotAsync();

        var (exit, output) = await OpsTool.RunAsync(Tables, "migrate", "plan");

        Assert.True(exit == 0, output);
        Assert.Contains("Client: 5 items, 5 would change.", output, StringComparison.Ordinal);
        Assert.Contains("GSI2PK: \"CLIENTEMAIL#planned", output, StringComparison.Ordinal);
        Assert.Equal(before, await SnapshotAsync());
        Assert.Empty(await HistoryAsync());
        Assert.Null(await Gsi2StatusAsync());
    }

    [Fact]
    public async Task Down_takes_the_keys_off_every_client_and_drops_the_index_and_the_service_writes_the_old_shape_again()
    {
        await Http.RegisterAsync("Before", "before@example.se");
        Assert.Equal(0, (await OpsTool.RunAsync(Tables, "migrate", "up", "--to", "1")).ExitCode);
        await Eventually.Until(async () => (await Http.Http.GetAsync("/clients/by-email?email=before@example.se", TestContext.Current.CancellationToken)).StatusCode,
            s => s == HttpStatusCode.OK, what: "the route to see the migration applied");
        await Http.RegisterAsync("During", "during@example.se");
        Assert.All(await ClientItemsAsync(), c => Assert.True(c.ContainsKey(Attributes.GSI2PK)));

        var (exit, output) = await OpsTool.RunAsync(Tables, "migrate", "down");

        Assert.True(exit == 0, output);
        Assert.Equal(MigrationState.Reverted, Assert.Single(await HistoryAsync()).State);
        Assert.Null(await Gsi2StatusAsync());
        await Eventually.Until(async () => (await Http.Http.GetAsync("/clients/by-email?email=before@example.se", TestContext.Current.CancellationToken)).StatusCode,
            s => s == HttpStatusCode.ServiceUnavailable, what: "the route to see the migration taken down");
        await Http.RegisterAsync("After", "after@example.se");
        Assert.All(await ClientItemsAsync(), c => Assert.False(c.ContainsKey(Attributes.GSI2PK), c[Attributes.Name].S));
    }

    [Fact]
    public async Task A_runner_killed_halfway_is_refused_a_twin_then_replaced_and_every_client_is_changed_exactly_once()
    {
        const int clients = 500;
        using (var client = Dynamo())
        {
            var items = Enumerable.Range(0, clients)
                .Select(i => ClientsItems.Client(global::Clients.Domain.Client.None(Ids.New()) with { Name = $"Seeded {i}", Email = $"seeded{i}@example.se", Version = 1 }))
                .Select(item => new WriteRequest { PutRequest = new PutRequest { Item = item } });
            foreach (var batch in items.Chunk(25))
            {
                await client.BatchWriteItemAsync(new BatchWriteItemRequest { RequestItems = new() { [Tables.TableName] = [.. batch] } }, TestContext.Current.CancellationToken);
            }
        }

        // Slowed by its write-unit limit (two units an item: about 15 items a second, so 500 take half a minute), so
        // that a twin started while it runs finds it running even on a loaded machine, and the kill lands halfway.
        string[] arguments = ["migrate", "up", "--to", "1", "--lease-seconds", "6", "--max-write-units", "30", "--endpoint", Tables.ServiceUrl!, "--table", Tables.TableName, "--lease-table", Tables.LeaseTableName];
        using (var runner = WorkerProcess.Start(Tables, new Dictionary<string, string?>(), "ops.dll", arguments))
        {
            await Eventually.Until(async () => (await HistoryAsync()).SingleOrDefault()?.Visited ?? 0, visited => visited >= 150, TimeSpan.FromSeconds(90), "the runner to be under way");

            var (twinExit, twinOutput) = await OpsTool.RunAsync(Tables, "migrate", "up", "--to", "1");

            Assert.False(runner.HasExited, runner.Output());
            Assert.True(twinExit == MigrateCommands.Refused, twinOutput);
            Assert.Contains("Another runner", twinOutput, StringComparison.Ordinal);
            runner.KillHard();
        }

        var killed = Assert.Single(await HistoryAsync());
        Assert.Equal(MigrationState.InProgress, killed.State);
        Assert.InRange(killed.Changed, 150, clients - 1);

        // The killed runner's lease runs out within 6 s; the next runner then takes over from its checkpoints.
        var (exit, output) = await Eventually.Until(() => OpsTool.RunAsync(Tables, "migrate", "up", "--to", "1"), r => r.ExitCode != MigrateCommands.Refused, TimeSpan.FromSeconds(60), "the killed runner's lease to run out");

        Assert.True(exit == 0, output);
        Assert.Contains("resuming", output, StringComparison.Ordinal);
        var record = Assert.Single(await HistoryAsync());
        Assert.Equal((MigrationState.Applied, (long)clients, (long)clients), (record.State, record.Visited, record.Changed));
        Assert.All(await ClientItemsAsync(), c => Assert.Equal(Keys.ClientEmailIndexKey(c[Attributes.Email].S), c[Attributes.GSI2PK].S));
    }

    [Fact]
    public async Task Commands_that_change_emails_while_it_runs_are_all_kept_and_every_key_follows_the_last_email()
    {
        var ids = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            ids.Add((await Http.RegisterAsync($"Busy {i}", $"busy{i}@example.se")).ClientId);
        }

        var expected = ids.ToDictionary(id => id, _ => (Email: "", Version: 1L));
        using var stop = new CancellationTokenSource();
        var traffic = Task.Run(async () =>
        {
            var round = 0;
            while (!stop.IsCancellationRequested)
            {
                round++;
                foreach (var id in ids)
                {
                    var email = $"busy-{round}-{id[..6]}@example.se";
                    var body = await Http.SendAsync(HttpMethod.Put, $"/clients/{id}/details", new { email, expectedVersion = expected[id].Version }, HttpStatusCode.OK);
                    expected[id] = (email, body["version"]!.GetValue<long>());
                }
            }
        }, TestContext.Current.CancellationToken);

        var (exit, output) = await OpsTool.RunAsync(Tables, "migrate", "up", "--to", "1");
        await stop.CancelAsync();
        await traffic;

        Assert.True(exit == 0, output);
        var items = (await ClientItemsAsync()).ToDictionary(c => c[Attributes.ClientId].S);
        Assert.All(ids, id =>
        {
            Assert.Equal(expected[id].Email, items[id][Attributes.Email].S);
            Assert.Equal(expected[id].Version.ToString(System.Globalization.CultureInfo.InvariantCulture), items[id][Attributes.Version].N);
            Assert.Equal(Keys.ClientEmailIndexKey(expected[id].Email), items[id][Attributes.GSI2PK].S);
        });
        var (checkExit, checkOutput) = await OpsTool.RunAsync(Tables, "check", "--report", Path.GetTempFileName());
        Assert.True(checkExit == 0, checkOutput);
    }

    [Fact]
    public async Task The_check_finds_a_client_that_lost_its_email_keys_after_the_migration_and_one_that_has_them_before()
    {
        var (lost, _) = await Http.RegisterAsync("Lost Keys", "lost@example.se");
        var (early, _) = await Http.RegisterAsync("Early Keys", "early@example.se");
        Assert.Equal(0, (await OpsTool.RunAsync(Tables, "migrate", "up", "--to", "1")).ExitCode);
        using var client = Dynamo();
        await client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = Tables.TableName,
            Key = new() { [Attributes.PK] = new(Keys.Client(lost).PK), [Attributes.SK] = new(Keys.Client(lost).SK) },
            UpdateExpression = "REMOVE GSI2PK",
        }, TestContext.Current.CancellationToken);

        var report = Path.GetTempFileName();
        var (exit, output) = await OpsTool.RunAsync(Tables, "check", "--report", report);

        Assert.True(exit == 1, output);
        var anomaly = Assert.Single(ConsistencyReport.FromJson(await File.ReadAllTextAsync(report, TestContext.Current.CancellationToken)).Anomalies);
        Assert.Equal((ConsistencyCheck.Shapes, "unmigrated", Keys.Client(lost).PK, Attributes.GSI2PK), (anomaly.Invariant, anomaly.Kind, anomaly.PK, anomaly.Field));

        // Taken down, the table must have no client with the keys: one a writer left behind is found.
        Assert.Equal(0, (await OpsTool.RunAsync(Tables, "migrate", "down")).ExitCode);
        await client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = Tables.TableName,
            Key = new() { [Attributes.PK] = new(Keys.Client(early).PK), [Attributes.SK] = new(Keys.Client(early).SK) },
            UpdateExpression = "SET GSI2PK = :key",
            ExpressionAttributeValues = new() { [":key"] = new(Keys.ClientEmailIndexKey("early@example.se")) },
        }, TestContext.Current.CancellationToken);
        (exit, output) = await OpsTool.RunAsync(Tables, "check", "--report", report);
        Assert.True(exit == 1, output);
        anomaly = Assert.Single(ConsistencyReport.FromJson(await File.ReadAllTextAsync(report, TestContext.Current.CancellationToken)).Anomalies);
        Assert.Equal((ConsistencyCheck.Shapes, "shape", Keys.Client(early).PK), (anomaly.Invariant, anomaly.Kind, anomaly.PK));
    }

    private AmazonDynamoDBClient Dynamo() => DynamoDbLocalFixture.CreateClient(Tables);

    private async Task<IndexStatus?> Gsi2StatusAsync()
    {
        using var client = Dynamo();
        return await TableIndexes.StatusAsync(client, Tables.TableName, TableSchema.Gsi2, TestContext.Current.CancellationToken);
    }

    private Task<IReadOnlyList<MigrationRecord>> HistoryAsync() => MigrationRecords.ReadAsync(Tables);

    private Task<List<Dictionary<string, AttributeValue>>> ClientItemsAsync() => TableItems.OfTypeAsync(Tables, ItemTypes.Client);

    /// <summary>Every item of both tables, each as its attributes in order, the whole sorted: equal only if nothing changed.</summary>
    private async Task<List<string>> SnapshotAsync()
    {
        using var client = Dynamo();
        var lines = new List<string>();
        foreach (var table in new[] { Tables.TableName, Tables.LeaseTableName })
        {
            await foreach (var item in client.ScanAllAsync(new ScanRequest { TableName = table, ConsistentRead = true }, TestContext.Current.CancellationToken))
            {
                lines.Add(table + " " + string.Join("; ", item.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={Amazon.DynamoDBv2.DocumentModel.Document.FromAttributeMap(new() { [a.Key] = a.Value }).ToJson()}")));
            }
        }

        lines.Sort(StringComparer.Ordinal);
        return lines;
    }
}
