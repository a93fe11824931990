using Microservices.Faults;
using Ops.Soak;

namespace Microservices.Tests.Soak;

/// <summary>
/// The soak CI runs: the whole system as processes (three APIs, the relay, two workers) on a DynamoDB Local and a
/// RabbitMQ node of its own (on a virtual host the soak creates and deletes), 2,000 seeded commands with every fault
/// kind and every migration run while they flow (its runner SIGKILLed in each backfill), then the full check. It must
/// end clean.
/// It runs alone, after every parallel class: its seven processes would starve the others' timing on two cores.
/// </summary>
[Collection(nameof(SoakTests))]
public sealed class SoakTests : IAsyncLifetime
{
    private DynamoDbLocal _dynamo = null!;
    private RabbitMqNode _broker = null!;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"soak-{Guid.NewGuid():N}");

    public async ValueTask InitializeAsync()
    {
        // Its own DynamoDB Local and broker: the load would slow other classes, and the dropped connections would be theirs too.
        _dynamo = await DynamoDbLocal.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        _broker = await RabbitMqNode.StartAsync("soak");
    }

    public async ValueTask DisposeAsync()
    {
        await _broker.DisposeAsync();
        await _dynamo.DisposeAsync();
    }

    [Fact]
    public async Task Two_thousand_commands_under_every_fault_kind_end_with_zero_anomalies()
    {
        var settings = new SoakSettings
        {
            Tables = new DynamoDbOptions
            {
                ServiceUrl = _dynamo.ServiceUrl.ToString(),
                TableName = "soak",
                LeaseTableName = "soak-leases",
                AccessKey = "local",
                SecretKey = "local",
            },
            // No virtual host and no user: the soak creates its own and deletes them at the end.
            Broker = new Broker(_broker.Host, _broker.Port, null, null, null, _broker.NodeName),
            Commands = 2_000,
            Seed = 20261130,
            Migrate = true,
            WorkDirectory = _directory,
        };

        var report = await SoakRun.RunAsync(settings, null, TestContext.Current.CancellationToken);

        TestContext.Current.TestOutputHelper?.WriteLine(report.ToJson());
        Assert.True(report.Settled, "the system never went quiet");
        Assert.Empty(report.Anomalies);
        Assert.Equal(0, report.LostUpdates);
        Assert.Empty(report.LostUpdateList);
        Assert.StartsWith("soak-", report.VirtualHost, StringComparison.Ordinal);
        Assert.DoesNotContain(report.VirtualHost, await _broker.ListVirtualHostsAsync());
        Assert.Equal(("closed", 8), (report.Arrivals.Mode, report.Arrivals.InFlightCap));
        Assert.True(report.Commands >= 2_000, $"{report.Commands} commands");
        Assert.True(report.Outcomes["accepted"] > report.Commands / 2, $"{report.Outcomes["accepted"]} accepted");
        Assert.True(report.Outcomes.GetValueOrDefault("conflict") > 0, "no command met a conflict");
        foreach (var kind in new[]
        {
            nameof(DynamoDbFaultKind.ProvisionedThroughputExceeded), nameof(DynamoDbFaultKind.Throttling), nameof(DynamoDbFaultKind.InternalServerError),
            nameof(DeliveryFaultKind.Duplicated), nameof(DeliveryFaultKind.Delayed), "connections-dropped", "conflicting-commands", "cross-service-races",
        })
        {
            Assert.True(report.Faults.GetValueOrDefault(kind) > 0, $"no fault of kind {kind}");
        }

        Assert.Equal(settings.Kills, report.Faults.Where(f => f.Key.StartsWith("killed:", StringComparison.Ordinal)).Sum(f => f.Value));
        Assert.True(report.Lag.Samples > 0, "no copied change was followed to its copies");
        Assert.True(report.Checked[global::Ops.ConsistencyCheck.Copies] > 0);

        // Issue 12: every migration ran while the commands flowed, its runner SIGKILLed in the backfill and started
        // again; the check above judged the shapes by the history, so the table is clean in the newest shape of all.
        // Migrations 1 and 3 change what the soak wrote before them (clients, orders); 2 finds every book written with
        // its currency already, and its short backfill may be over before the runner is killed in it.
        var migration = Assert.IsType<SoakMigrationReport>(report.Migration);
        Assert.Null(migration.Error);
        Assert.Equal([.. Enumerable.Range(1, global::Microservices.Schema.Migrations.TableMigrations.Catalog.Latest)], migration.Applied);
        Assert.Superset(new HashSet<int> { 1, 3 }, migration.Kills.Select(k => k.Version).ToHashSet());
        Assert.True(report.Clean);
    }
}

[CollectionDefinition(nameof(SoakTests), DisableParallelization = true)]
public sealed class RunsAlone;
