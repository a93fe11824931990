using System.Text.Json.Nodes;
using Microservices.Benchmarks.Harness;
using Microservices.Benchmarks.Suite;
using Ops.Soak;

namespace Microservices.UnitTests.Benchmarks;

/// <summary>Benchmark 6's assumptions about <c>ops soak</c>, checked against the soak's own command and report.</summary>
public sealed class LagBenchmarkTests
{
    private static readonly SoakTarget Target = new(
        400, "/tmp/bench-soak", BenchSystem.TablesOn(new Uri("http://127.0.0.1:28000"), "lag-10"), "127.0.0.1", 25672, "bench-1@localhost", TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(20));

    [Fact]
    public void The_ceiling_soak_is_a_closed_loop_the_soak_accepts_on_the_benchmarks_endpoint_and_node()
    {
        var parse = Parse(SoakReportFormat.ClosedLoop(8, Target));

        Assert.Empty(parse.Errors);
        Assert.Equal(8, parse.GetValue<int>("--concurrency"));
        Assert.Null(parse.GetValue<double?>("--rate"));
        AssertOnTarget(parse);
    }

    [Fact]
    public void The_lag_soak_is_an_open_loop_at_the_rate_given_the_soak_accepts_on_the_same_target()
    {
        var parse = Parse(SoakReportFormat.OpenLoop(12.345, Target));

        Assert.Empty(parse.Errors);
        Assert.Equal(12.35, parse.GetValue<double?>("--rate"));
        Assert.Equal(Target.WarmUp, parse.GetValue<TimeSpan>("--warm-up"));
        AssertOnTarget(parse);
    }

    [Fact]
    public void The_soak_refuses_a_warm_up_without_an_arrival_rate_and_a_negative_one()
    {
        Assert.Contains(SoakCommand.Create().Parse(["--warm-up", "00:01:00"]).Errors, e => e.Message.Contains("needs --rate", StringComparison.Ordinal));
        Assert.Contains(SoakCommand.Create().Parse(["--rate", "5", "--warm-up", "-00:00:10"]).Errors, e => e.Message.Contains("--warm-up must not be negative", StringComparison.Ordinal));
        Assert.Empty(SoakCommand.Create().Parse(["--rate", "5", "--warm-up", "00:00:30"]).Errors);
    }

    [Fact]
    public void The_benchmark_reads_the_rate_the_cap_and_the_lag_where_the_soak_report_writes_them()
    {
        var report = JsonNode.Parse(Report(new Arrivals("open", 20, null, 19.5, 1_000, 12, 3, 14, 0), new LagSummary(50, 120, 900, 1_400)).ToJson())!;

        Assert.Equal(SoakRun.ReportFile, SoakReportFormat.ReportFile);
        Assert.Equal(19.5, SoakReportFormat.Read(report, SoakReportFormat.AchievedRate));
        Assert.Equal(3, SoakReportFormat.Read(report, SoakReportFormat.CapWaits));
        Assert.Equal(120, SoakReportFormat.Read(report, SoakReportFormat.LagP50));
        Assert.Equal(900, SoakReportFormat.Read(report, SoakReportFormat.LagP99));
        Assert.Null(SoakReportFormat.Read(report, ["arrivals", "nothing"]));
    }

    [Fact]
    public void The_command_ceiling_is_the_best_closed_loop_rate_and_the_report_names_its_concurrency()
    {
        var results = new SuiteResults();
        Assert.Null(results.CommandCeiling);
        results.CeilingByConcurrency[4] = 40;
        results.CeilingByConcurrency[8] = 62.4;
        results.CeilingByConcurrency[16] = 55;
        results.Lag.Add(new LagRow(50, 31.25, 30.9, 140, 820));
        var run = new RunInfo(DateTimeOffset.UnixEpoch, "2 cores", "bash tests/bench.sh --quick --only 6", "quick", TimeSpan.FromMinutes(5));

        var markdown = BenchmarkReport.Markdown(results, run, []).ReplaceLineEndings("\n");

        Assert.Equal((62.4, 8), (results.CommandCeiling, results.CeilingConcurrency));
        Assert.Contains("Command ceiling: 62 commands/s", markdown, StringComparison.Ordinal);
        Assert.Contains("4 in flight 40/s, 8 in flight 62/s, 16 in flight 55/s", markdown, StringComparison.Ordinal);
        Assert.Contains("| 50% | 31.25 | 30.9 | 140 | 820 |", markdown, StringComparison.Ordinal);
        Assert.True(Targets.Evaluate(results).Single(l => l.Target.StartsWith("Lag p99 at most 1 s", StringComparison.Ordinal)).Passed);
    }

    [Fact]
    public void An_open_loop_run_lasts_about_its_duration_within_the_fewest_and_the_most_commands()
    {
        var quick = SuiteSettings.Quick;

        Assert.Equal((int)Math.Round(5 * quick.LagDuration.TotalSeconds), quick.OpenLoopCommands(5));
        Assert.Equal(quick.LagMinCommands, quick.OpenLoopCommands(0.3));
        Assert.Equal(quick.LagCommands, quick.OpenLoopCommands(1_000));
    }

    private static System.CommandLine.ParseResult Parse(IReadOnlyList<string> arguments)
    {
        Assert.Equal("soak", arguments[0]);
        return SoakCommand.Create().Parse([.. arguments.Skip(1)]);
    }

    private static void AssertOnTarget(System.CommandLine.ParseResult parse)
    {
        Assert.True(parse.GetValue<bool>("--no-faults"));
        Assert.Equal(400, parse.GetValue<int>("--commands"));
        Assert.Equal(("http://127.0.0.1:28000/", "lag-10", "lag-10-leases"),
            (parse.GetValue<string?>("--endpoint"), parse.GetValue<string?>("--table"), parse.GetValue<string?>("--lease-table")));
        Assert.Equal(("127.0.0.1", 25672, "bench-1@localhost"),
            (parse.GetValue<string>("--rabbitmq-host"), parse.GetValue<int>("--rabbitmq-port"), parse.GetValue<string?>("--rabbitmq-node")));
        Assert.Equal(TimeSpan.FromMinutes(2), parse.GetValue<TimeSpan>("--settle-timeout"));
        Assert.Equal("/tmp/bench-soak", parse.GetValue<string>("--out"));
    }

    private static SoakReport Report(Arrivals arrivals, LagSummary lag) => new()
    {
        Seed = 1,
        Table = "lag-10",
        VirtualHost = "lag-10-0000",
        Arrivals = arrivals,
        Commands = 400,
        Outcomes = new Dictionary<string, long> { ["accepted"] = 400 },
        ByCommand = new Dictionary<string, IReadOnlyDictionary<string, long>>(),
        Events = 400,
        CopyWrites = 100,
        ItemsChecked = 500,
        Checked = new Dictionary<string, int>(),
        Faults = new Dictionary<string, long>(),
        LostUpdates = 0,
        LostUpdateList = [],
        UnchangedAcceptances = 0,
        SharedVersionsWithoutLoss = 0,
        BurstsAcceptedMoreThanOnce = 0,
        Anomalies = [],
        Lag = lag,
        LoadTime = TimeSpan.FromSeconds(20),
        SettleTime = TimeSpan.FromSeconds(9),
        Settled = true,
    };
}
