using System.CommandLine;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microservices.SingleTable;
using Spectre.Console;

namespace Ops;

/// <summary>The harness verbs: <c>check</c> (exit code 0 only when every invariant holds) and <c>repair</c>.</summary>
public static class ConsistencyCommands
{
    public static readonly Option<int> Segments = new("--segments")
    {
        Description = "Parallel scan segments",
        DefaultValueFactory = _ => 4,
    };

    public static readonly Option<string> Report = new("--report")
    {
        Description = "Where to write the JSON report of every anomaly",
        DefaultValueFactory = _ => "consistency-report.json",
    };

    public static Command Check()
    {
        var check = new Command("check",
            "Scan the table and verify every invariant of docs/consistency.md: event streams, canonical items, copies, aggregates. Prints a summary, writes a JSON report; exit code 0 only when clean.");
        Add(check);
        check.SetAction(async (parse, cancellationToken) =>
        {
            var settings = OpsSettings.Read(parse);
            using var dynamo = DynamoDbServiceCollectionExtensions.CreateClient(settings);
            var (_, report) = await CheckAsync(dynamo, settings, parse.GetValue(Segments), parse.GetValue(Report)!, cancellationToken);
            return report.Clean ? 0 : 1;
        });
        return check;
    }

    public static Command RepairCommand()
    {
        var repair = new Command("repair",
            "Check, rewrite every drifted or missing copy and aggregate from its sources (version-guarded), delete orphans (only if unchanged), then check again; exit code 0 only when clean.");
        Add(repair);
        repair.SetAction(async (parse, cancellationToken) =>
        {
            var settings = OpsSettings.Read(parse);
            using var dynamo = DynamoDbServiceCollectionExtensions.CreateClient(settings);
            var segments = parse.GetValue(Segments);
            var path = parse.GetValue(Report)!;
            var items = await ScanAsync(dynamo, settings.TableName, segments, cancellationToken);
            var results = ConsistencyCheck.Run(items, await TableShapes.ReadAsync(dynamo, settings, cancellationToken));
            var repaired = await Repair.RunAsync(dynamo, settings.TableName, items, results, cancellationToken);
            AnsiConsole.MarkupLineInterpolated(
                $"Repair: {repaired.Rewritten} rewritten, {repaired.Deleted} orphan(s) deleted, {repaired.Refused} refused (a newer write got there first), {repaired.Unrepairable} not repairable.");
            var (_, report) = await CheckAsync(dynamo, settings, segments, path, cancellationToken);
            return report.Clean ? 0 : 1;
        });
        return repair;
    }

    public static Command RebuildCommand()
    {
        var type = new Argument<string>("item-type")
        {
            Description = $"The copy or aggregate type to recompute: {string.Join(", ", Rebuild.ItemTypesRebuilt)}",
        };
        type.AcceptOnlyFromAmong([.. Rebuild.ItemTypesRebuilt]);
        var json = new Option<bool>("--json") { Description = "Progress as JSON lines, even on a terminal" };
        var rebuild = new Command("rebuild",
            "Recompute every copy or aggregate of one type from the canonical items and write them all into the live table (version-guarded, so running workers are never overwritten with older data), delete orphans of the type (only if unchanged), then check; exit code 0 only when clean.");
        rebuild.Arguments.Add(type);
        rebuild.Options.Add(json);
        Add(rebuild);
        rebuild.SetAction(async (parse, cancellationToken) =>
        {
            var settings = OpsSettings.Read(parse);
            using var dynamo = DynamoDbServiceCollectionExtensions.CreateClient(settings);
            var segments = parse.GetValue(Segments);
            var asJson = parse.GetValue(json) || Console.IsOutputRedirected;
            var items = await ScanAsync(dynamo, settings.TableName, segments, cancellationToken);
            var result = await Rebuild.RunAsync(dynamo, settings.TableName, items, parse.GetValue(type)!, new RebuildLines(asJson), cancellationToken);
            var summary = $"Rebuild of {result.ItemType}: {result.Computed} computed from the sources, {result.Rewritten} written, {result.Refused} refused (a worker wrote from newer sources first), {result.Deleted} orphan(s) deleted.";
            Console.WriteLine(asJson ? JsonSerializer.Serialize(new { message = summary }) : summary);
            var (_, report) = await CheckAsync(dynamo, settings, segments, parse.GetValue(Report)!, cancellationToken);
            return report.Clean ? 0 : 1;
        });
        return rebuild;
    }

    private static void Add(Command command)
    {
        OpsSettings.AddTo(command);
        command.Options.Add(Segments);
        command.Options.Add(Report);
    }

    private static async Task<(IReadOnlyList<InvariantResult> Results, ConsistencyReport Report)> CheckAsync(
        IAmazonDynamoDB dynamo, DynamoDbOptions settings, int segments, string path, CancellationToken cancellationToken)
    {
        var items = await ScanAsync(dynamo, settings.TableName, segments, cancellationToken);
        var results = ConsistencyCheck.Run(items, await TableShapes.ReadAsync(dynamo, settings, cancellationToken));
        var report = ConsistencyReport.From(settings.TableName, items.Count, results);
        await File.WriteAllTextAsync(path, report.ToJson(), cancellationToken);
        Print(report, path);
        return (results, report);
    }

    /// <summary>The parallel scan, with a progress display per segment when a person is watching.</summary>
    private static async Task<IReadOnlyList<Dictionary<string, AttributeValue>>> ScanAsync(
        IAmazonDynamoDB dynamo, string table, int segments, CancellationToken cancellationToken)
    {
        if (Console.IsOutputRedirected)
        {
            return await TableSnapshot.ScanAsync(dynamo, table, segments, null, cancellationToken);
        }

        return await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new SpinnerColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var tasks = Enumerable.Range(0, segments).Select(s => context.AddTask($"segment {s}: 0 items").IsIndeterminate()).ToArray();
                var counts = new long[segments];
                var items = await TableSnapshot.ScanAsync(dynamo, table, segments, (segment, count) =>
                {
                    var total = Interlocked.Add(ref counts[segment], count);
                    tasks[segment].Description = $"segment {segment}: {total} items";
                }, cancellationToken);
                foreach (var task in tasks)
                {
                    task.IsIndeterminate = false;
                    task.Value = task.MaxValue;
                    task.StopTask();
                }

                return items;
            });
    }

    private static void Print(ConsistencyReport report, string path)
    {
        var summary = new Table().AddColumns("Invariant", "Checked", "Anomalies", "What holds");
        foreach (var invariant in report.Invariants)
        {
            summary.AddRow(
                Markup.Escape(invariant.Invariant),
                invariant.Checked.ToString(System.Globalization.CultureInfo.InvariantCulture),
                invariant.Anomalies == 0 ? "[green]0[/]" : $"[red]{invariant.Anomalies}[/]",
                Markup.Escape(invariant.Description));
        }

        AnsiConsole.Write(summary);
        foreach (var anomaly in report.Anomalies)
        {
            AnsiConsole.WriteLine($"{anomaly.Invariant}: {anomaly.Kind} {anomaly.PK} | {anomaly.SK} {anomaly.Field} expected '{anomaly.Expected}', found '{anomaly.Found}'");
        }

        AnsiConsole.WriteLine(report.Clean
            ? $"Clean: {report.Items} items, every invariant holds. Report: {path}"
            : $"{report.Anomalies.Count} anomalies in {report.Items} items. Report: {path}");
    }

    /// <summary>A rebuild's progress, at most a line a second: JSON when no one watches, else text with the ETA.</summary>
    private sealed class RebuildLines(bool json) : IProgress<RebuildProgress>
    {
        private readonly Lock _gate = new();
        private DateTime _last = DateTime.MinValue;

        public void Report(RebuildProgress value)
        {
            lock (_gate)
            {
                if (value.Done < value.Total && DateTime.UtcNow - _last < TimeSpan.FromSeconds(1))
                {
                    return;
                }

                _last = DateTime.UtcNow;
            }

            var eta = value.Done > 0 ? TimeSpan.FromSeconds(value.Elapsed.TotalSeconds * (value.Total - value.Done) / value.Done) : TimeSpan.Zero;
            Console.WriteLine(json
                ? JsonSerializer.Serialize(new { itemType = value.ItemType, done = value.Done, total = value.Total, elapsedSeconds = Math.Round(value.Elapsed.TotalSeconds, 1), etaSeconds = Math.Round(eta.TotalSeconds, 1) })
                : $"{value.ItemType}: {value.Done:N0}/{value.Total:N0} ({100.0 * value.Done / Math.Max(1, value.Total):F0}%), {value.Elapsed:mm\\:ss} elapsed, about {eta:mm\\:ss} to go");
        }
    }
}
