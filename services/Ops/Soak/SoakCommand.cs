using System.CommandLine;
using System.Globalization;
using Spectre.Console;

namespace Ops.Soak;

/// <summary>The <c>soak</c> verb: its options, its progress display and its summary.</summary>
public static class SoakCommand
{
    private static readonly Option<int> Commands = new("--commands") { Description = "HTTP commands to send across the three APIs", DefaultValueFactory = _ => 2_000 };
    private static readonly Option<int> Seed = new("--seed") { Description = "Seeds the workload and every fault schedule", DefaultValueFactory = _ => 1 };
    private static readonly Option<int> Concurrency = new("--concurrency") { Description = "Commands in flight at once (closed loop; not with --rate)", DefaultValueFactory = _ => 8 };
    private static readonly Option<double?> Rate = new("--rate") { Description = "Commands a second at a fixed arrival rate (open loop: arrivals do not wait for answers), instead of --concurrency" };
    private static readonly Option<TimeSpan> WarmUp = new("--warm-up") { Description = "With --rate: run the open loop this long first, then wait for quiet; those commands are checked but their lag is not counted (e.g. 00:01:00)", DefaultValueFactory = _ => TimeSpan.Zero };
    private static readonly Option<int> MaxInFlight = new("--max-in-flight") { Description = "With --rate: the most commands left unanswered before an arrival waits (the report says if it did)", DefaultValueFactory = _ => 1_000 };
    private static readonly Option<bool> NoFaults = new("--no-faults") { Description = "Turn every fault off: DynamoDB faults, duplicates, delays, kills and connection drops (the workload's conflicts and races stay)" };
    private static readonly Option<double> DynamoDbFaultRate = new("--dynamodb-fault-rate") { Description = "Fraction of every process's DynamoDB requests answered with throttling or a 500", DefaultValueFactory = _ => 0.05 };
    private static readonly Option<double> DuplicateRate = new("--duplicate-rate") { Description = "Fraction of messages the workers receive twice", DefaultValueFactory = _ => 0.1 };
    private static readonly Option<double> DelayRate = new("--delay-rate") { Description = "Fraction of messages the workers hold back (reordered)", DefaultValueFactory = _ => 0.1 };
    private static readonly Option<int> Kills = new("--kills") { Description = "Times a worker or the relay is SIGKILLed and restarted", DefaultValueFactory = _ => 3 };
    private static readonly Option<int> Drops = new("--connection-drops") { Description = "Times every RabbitMQ connection is closed", DefaultValueFactory = _ => 3 };
    private static readonly Option<string> RabbitHost = new("--rabbitmq-host") { DefaultValueFactory = _ => "127.0.0.1" };
    private static readonly Option<int> RabbitPort = new("--rabbitmq-port") { DefaultValueFactory = _ => 5672 };
    private static readonly Option<string?> VirtualHost = new("--rabbitmq-vhost") { Description = "Use this existing virtual host, as it is, instead of one the soak creates for itself and deletes at the end" };
    private static readonly Option<string?> RabbitUser = new("--rabbitmq-user") { Description = "With --rabbitmq-vhost: the user to connect as (else the soak makes one of its own for its own virtual host, never guest)" };
    private static readonly Option<string?> RabbitPassword = new("--rabbitmq-password") { Description = "With --rabbitmq-user: its password" };
    private static readonly Option<string?> Node = new("--rabbitmq-node") { Description = "The node rabbitmqctl talks to (rabbitmqctl -n); its default when omitted" };
    private static readonly Option<TimeSpan> QuietPeriod = new("--quiet-period") { Description = "How long the table and the broker must stay quiet to count as settled", DefaultValueFactory = _ => TimeSpan.FromSeconds(8) };
    private static readonly Option<TimeSpan> SettleTimeout = new("--settle-timeout") { Description = "The longest to wait for quiet after the last command before checking anyway", DefaultValueFactory = _ => TimeSpan.FromMinutes(5) };
    private static readonly Option<bool> Migrate = new("--migrate") { Description = "Run every migration (ops migrate up) while the commands flow, SIGKILL the runner once in each migration's backfill and start it again" };
    private static readonly Option<string> WorkDirectory = new("--out") { Description = "Where logs, fault counts and the reports go", DefaultValueFactory = _ => "soak" };

    public static Command Create()
    {
        var soak = new Command("soak",
            "Start the whole system as processes on a fresh table, send a seeded random workload of concurrent commands while injecting every fault kind, wait until quiet, then check every invariant. Exit code 0 only when clean.");
        OpsSettings.AddTo(soak);
        Option[] faults = [DynamoDbFaultRate, DuplicateRate, DelayRate, Kills, Drops];
        Option[] options = [Commands, Seed, Concurrency, Rate, WarmUp, MaxInFlight, NoFaults, .. faults, RabbitHost, RabbitPort, VirtualHost, RabbitUser, RabbitPassword, Node, QuietPeriod, SettleTimeout, Migrate, WorkDirectory];
        foreach (var option in options)
        {
            soak.Options.Add(option);
        }

        soak.Validators.Add(result =>
        {
            if (result.GetValue(NoFaults) && faults.FirstOrDefault(f => result.GetResult(f) is { Implicit: false }) is { } fault)
            {
                result.AddError($"--no-faults turns every fault off; {fault.Name} contradicts it.");
            }

            if (result.GetResult(WarmUp) is { Implicit: false } && result.GetResult(Rate) is not { Implicit: false })
            {
                result.AddError("--warm-up runs the open loop first: it needs --rate.");
            }

            var user = result.GetValue(RabbitUser) is not null;
            if (result.GetValue(VirtualHost) is not null != user || user != result.GetValue(RabbitPassword) is not null)
            {
                result.AddError("--rabbitmq-vhost, --rabbitmq-user and --rabbitmq-password go together: an existing virtual host and the user to reach it as.");
            }

            if (result.GetResult(Rate) is { Implicit: false } && result.GetResult(Concurrency) is { Implicit: false })
            {
                result.AddError("--rate sets an arrival rate (open loop) and --concurrency a number in flight (closed loop): give one of them.");
            }
        });
        Rate.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double?>() is { } rate && !(rate > 0))
            {
                result.AddError("--rate must be a number of commands a second above 0.");
            }
        });
        WarmUp.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<TimeSpan>() < TimeSpan.Zero)
            {
                result.AddError("--warm-up must not be negative.");
            }
        });
        MaxInFlight.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--max-in-flight must be at least 1.");
            }
        });

        soak.SetAction(async (parse, cancellationToken) =>
        {
            var tables = OpsSettings.Read(parse);
            var seed = parse.GetValue(Seed);
            if (parse.GetValue(OpsSettings.Table) is null)
            {
                // A soak writes thousands of items: never into a table that holds anything else.
                var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
                tables.TableName = $"soak-{seed}-{stamp}";
                tables.LeaseTableName = $"soak-{seed}-{stamp}-leases";
            }

            var noFaults = parse.GetValue(NoFaults);
            var settings = new SoakSettings
            {
                Tables = tables,
                Broker = new Broker(parse.GetValue(RabbitHost)!, parse.GetValue(RabbitPort), parse.GetValue(VirtualHost), parse.GetValue(RabbitUser), parse.GetValue(RabbitPassword), parse.GetValue(Node)),
                Commands = parse.GetValue(Commands),
                Seed = seed,
                Concurrency = parse.GetValue(Concurrency),
                Rate = parse.GetValue(Rate),
                WarmUp = parse.GetValue(WarmUp),
                MaxInFlight = parse.GetValue(MaxInFlight),
                DynamoDbFaultRate = noFaults ? 0 : parse.GetValue(DynamoDbFaultRate),
                DuplicateRate = noFaults ? 0 : parse.GetValue(DuplicateRate),
                DelayRate = noFaults ? 0 : parse.GetValue(DelayRate),
                Kills = noFaults ? 0 : parse.GetValue(Kills),
                ConnectionDrops = noFaults ? 0 : parse.GetValue(Drops),
                QuietPeriod = parse.GetValue(QuietPeriod),
                SettleTimeout = parse.GetValue(SettleTimeout),
                WorkDirectory = parse.GetValue(WorkDirectory)!,
                Migrate = parse.GetValue(Migrate),
            };
            var report = Console.IsOutputRedirected
                ? await SoakRun.RunAsync(settings, null, cancellationToken)
                : await WithProgressAsync(settings, cancellationToken);
            Print(report, settings.WorkDirectory);
            return report.Clean ? 0 : 1;
        });
        return soak;
    }

    private static Task<SoakReport> WithProgressAsync(SoakSettings settings, CancellationToken cancellationToken) =>
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var tasks = new Dictionary<string, ProgressTask>(StringComparer.Ordinal);
                var progress = new Progress<SoakProgress>(p =>
                {
                    if (!tasks.TryGetValue(p.Phase, out var task))
                    {
                        foreach (var earlier in tasks.Values)
                        {
                            earlier.Value = earlier.MaxValue;
                        }

                        tasks[p.Phase] = task = context.AddTask(p.Phase, maxValue: Math.Max(p.Total, 1));
                    }

                    task.MaxValue = Math.Max(p.Total, 1);
                    task.Value = p.Done;
                });
                var report = await SoakRun.RunAsync(settings, progress, cancellationToken);
                foreach (var task in tasks.Values)
                {
                    task.Value = task.MaxValue;
                }

                return report;
            });

    private static void Print(SoakReport report, string directory)
    {
        string N(double value) => value.ToString("N0", CultureInfo.InvariantCulture);
        var summary = new Table().AddColumns("Soak", "").HideHeaders();
        summary.AddRow("seed", N(report.Seed));
        var before = report.Arrivals.Seeded + report.Arrivals.WarmedUp;
        summary.AddRow("commands", $"{N(report.Commands)}" +
            (before > 0 ? $" ({N(report.Arrivals.Seeded)} seeding and {N(report.Arrivals.WarmedUp)} warming up, then the arrivals' {report.LoadTime.TotalSeconds:F0} s): " : $" in {report.LoadTime.TotalSeconds:F0} s: ") +
            string.Join(", ", report.Outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{N(o.Value)} {o.Key}")));
        var arrivals = report.Arrivals;
        summary.AddRow("arrivals", arrivals.TargetRate is { } rate
            ? $"open loop at {rate:0.#}/s: achieved {arrivals.AchievedRate:0.#}/s, at most {N(arrivals.MaxInFlight)} in flight" +
              (arrivals.CapReached ? $" [red](the cap of {N(arrivals.InFlightCap)} held back {N(arrivals.CapWaits)} arrivals)[/]" : "") +
              (arrivals.WarmedUp > 0 ? $", after a warm-up of {N(arrivals.WarmedUp)} commands (not in the lag)" : "")
            : $"closed loop, {N(arrivals.InFlightCap)} in flight: {arrivals.AchievedRate:0.#}/s");
        summary.AddRow("events", N(report.Events));
        summary.AddRow("copy writes seen", N(report.CopyWrites));
        summary.AddRow("checked", $"{N(report.ItemsChecked)} items: " + string.Join(", ", report.Checked.Select(c => $"{N(c.Value)} {c.Key}")));
        summary.AddRow("faults", string.Join(", ", report.Faults.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{N(f.Value)} {f.Key}")));
        summary.AddRow("lost updates", $"{N(report.LostUpdates)} ({N(report.UnchangedAcceptances)} accepted without a change, " +
            $"{N(report.SharedVersionsWithoutLoss)} versions accepted twice with one change, {N(report.BurstsAcceptedMoreThanOnce)} conflict bursts accepted more than once: no loss)");
        summary.AddRow("anomalies", report.Anomalies.Count == 0 ? "[green]0[/]" : $"[red]{report.Anomalies.Count}[/]");
        summary.AddRow("convergence lag", $"p50 {N(report.Lag.P50Milliseconds)} ms, p99 {N(report.Lag.P99Milliseconds)} ms, max {N(report.Lag.MaxMilliseconds)} ms ({N(report.Lag.Samples)} changes followed)");
        summary.AddRow("settled", report.Settled ? $"{report.SettleTime.TotalSeconds:F1} s after the last command" : "[red]no: checked anyway at the settle timeout[/]");
        if (report.Migration is { } migration)
        {
            summary.AddRow("migrations", (migration.Error is null ? $"applied {string.Join(", ", migration.Applied)}" : $"[red]{Markup.Escape(migration.Error)}[/]") +
                $" in {migration.Elapsed.TotalSeconds:F0} s, {migration.Runs} runs; runner killed in " +
                string.Join(", ", migration.Kills.Select(k => $"{k.Version} ({k.Changed} changed)")));
        }

        summary.AddRow("virtual host", report.VirtualHost);
        AnsiConsole.Write(summary);
        foreach (var lost in report.LostUpdateList.Take(50))
        {
            AnsiConsole.WriteLine($"lost update: {lost.Stream} moved from version {lost.From} to {string.Join(" and ", lost.Answered)}");
        }

        foreach (var anomaly in report.Anomalies.Take(50))
        {
            AnsiConsole.WriteLine($"{anomaly.Invariant}: {anomaly.Kind} {anomaly.PK} | {anomaly.SK} {anomaly.Field} expected '{anomaly.Expected}', found '{anomaly.Found}'");
        }

        var reports = $"Reports: {Path.Combine(directory, SoakRun.ReportFile)}, {Path.Combine(directory, "consistency-report.json")}";
        AnsiConsole.WriteLine(report.Clean ? $"Clean. {reports}" : $"NOT clean. {reports}");
    }
}
