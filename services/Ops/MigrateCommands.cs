using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microservices.Migrations;
using Microservices.Schema.Migrations;
using Microservices.SingleTable;
using Spectre.Console;

namespace Ops;

/// <summary>
/// <c>ops migrate status | plan | up | down</c>: the table's migrations (<see cref="TableMigrations"/>) against its
/// history. Exit code 0 when done, 1 when a run failed (it resumes on the next), 3 when the runner refused.
/// </summary>
public static class MigrateCommands
{
    public const int Refused = 3;

    private static readonly Option<int?> To = new("--to") { Description = "The version to go up or down to (up: the latest; down: one below the latest applied)" };

    private static readonly Option<double?> MaxReadUnits = new("--max-read-units") { Description = "Read units a second the run may consume (measured with ReturnConsumedCapacity); no limit by default" };

    private static readonly Option<double?> MaxWriteUnits = new("--max-write-units") { Description = "Write units a second the run may consume; no limit by default" };

    private static readonly Option<int> LeaseSeconds = new("--lease-seconds")
    {
        Description = "How long the runner's lease lasts unrenewed: a killed runner is replaced after this",
        DefaultValueFactory = _ => 30,
    };

    private static readonly Option<bool> Json = new("--json") { Description = "Progress as JSON lines, even on a terminal" };

    public static Command Create()
    {
        var status = new Command("status", "Every migration this code knows and the table's history of it: state, phase, when, by whom, how many items.");
        var plan = new Command("plan", "A dry run of the migrations not yet applied (up to --to): per item type how many items change, samples before and after, the units it will cost. Writes nothing.");
        var up = new Command("up", "Apply the migrations not yet applied, in order, up to --to (default: the latest), while the services keep serving. Resumes a killed or failed run.");
        var down = new Command("down", "Take applied migrations down again, newest first, to --to (default: one below the latest applied), where they have a down.");
        foreach (var command in new[] { status, plan, up, down })
        {
            OpsSettings.AddTo(command);
        }

        foreach (var command in new[] { plan, up, down })
        {
            command.Options.Add(To);
            command.Options.Add(ConsistencyCommands.Segments);
            command.Options.Add(MaxReadUnits);
            command.Options.Add(MaxWriteUnits);
        }

        foreach (var command in new[] { up, down })
        {
            command.Options.Add(LeaseSeconds);
            command.Options.Add(Json);
        }

        status.SetAction((parse, ct) => RunAsync(parse, async (runner, _) =>
        {
            PrintStatus(await runner.StatusAsync(ct));
            return 0;
        }, ct));
        plan.SetAction((parse, ct) => RunAsync(parse, async (runner, _) =>
        {
            var plans = await runner.PlanAsync(parse.GetValue(To), ct);
            PrintPlans(plans);
            return 0;
        }, ct));
        up.SetAction((parse, ct) => RunAsync(parse, async (runner, _) =>
        {
            var applied = await runner.UpAsync(parse.GetValue(To), ct);
            Console.WriteLine(applied.Count == 0 ? "Nothing to apply: every migration is applied." : $"Applied {string.Join(", ", applied)}.");
            return 0;
        }, ct));
        down.SetAction((parse, ct) => RunAsync(parse, async (runner, _) =>
        {
            var taken = await runner.DownAsync(parse.GetValue(To), ct);
            Console.WriteLine(taken.Count == 0 ? "Nothing to take down." : $"Took down {string.Join(", ", taken)}.");
            return 0;
        }, ct));
        return new Command("migrate", "Change the table's model while it runs: status, plan, up, down.") { status, plan, up, down };
    }

    private static async Task<int> RunAsync(ParseResult parse, Func<MigrationRunner, DynamoDbOptions, Task<int>> action, CancellationToken cancellationToken)
    {
        var settings = OpsSettings.Read(parse);
        using var dynamo = DynamoDbServiceCollectionExtensions.CreateClient(settings);
        var history = new MigrationHistory(dynamo, settings.LeaseTableName, settings.TableName);
        // status has neither option: the defaults then
        var segments = parse.GetValue(ConsistencyCommands.Segments) is > 0 and var given ? given : 4;
        var options = new RunnerOptions(
            Segments: segments,
            LeaseLength: TimeSpan.FromSeconds(parse.GetValue(LeaseSeconds) is > 0 and var seconds ? seconds : 30),
            MaxReadUnits: parse.GetValue(MaxReadUnits),
            MaxWriteUnits: parse.GetValue(MaxWriteUnits));
        var json = parse.GetValue(Json) || Console.IsOutputRedirected;
        var runner = new MigrationRunner(
            dynamo, TableMigrations.Catalog, history, (migration, direction, ct) => ProveAsync(dynamo, settings, segments, migration, direction, ct), options,
            new ProgressLines(json), line => Console.WriteLine(json ? JsonSerializer.Serialize(new { message = line }) : line));
        try
        {
            return await action(runner, settings);
        }
        catch (MigrationRefusedException refused)
        {
            await Console.Error.WriteLineAsync($"Refused: {refused.Message}");
            return Refused;
        }
        catch (MigrationLeaseLostException lost)
        {
            await Console.Error.WriteLineAsync(lost.Message);
            return 1;
        }
        catch (InvalidOperationException failed)
        {
            await Console.Error.WriteLineAsync($"The run failed, and resumes on the next 'up' or 'down': {failed.Message}");
            return 1;
        }
    }

    /// <summary>
    /// The proof a run waits for: a strongly consistent scan of the table, judged by the shapes invariant of the
    /// consistency check as if the run had finished. (The other invariants are not the migration's: under traffic the
    /// copies trail their sources, and <c>ops check</c> judges them once the traffic has settled.)
    /// </summary>
    private static async Task<IReadOnlyList<string>> ProveAsync(
        IAmazonDynamoDB dynamo, DynamoDbOptions settings, int segments, Migration migration, MigrationDirection direction, CancellationToken cancellationToken)
    {
        var items = await TableSnapshot.ScanAsync(dynamo, settings.TableName, segments, null, cancellationToken);
        var shapes = await TableShapes.ReadAsync(dynamo, settings, cancellationToken) with { Proving = (migration.Version, direction) };
        return [.. ShapeCheck.Check(items, shapes).Select(d => d.ToString())];
    }

    private static void PrintStatus(IReadOnlyList<MigrationStatus> rows)
    {
        string[] columns = ["Version", "Name", "State", "Phase", "Started", "Finished", "By", "Visited", "Changed", "Error"];
        var lines = rows.Select(row =>
        {
            var record = row.Table;
            var state = record is null ? "pending"
                : record.State is MigrationState.InProgress or MigrationState.Failed ? $"{record.State} ({record.Direction.ToString().ToLowerInvariant()})"
                : record.State.ToString();
            return new[]
            {
                row.Version.ToString(CultureInfo.InvariantCulture),
                row.Code?.Name ?? $"{record?.Name} (unknown to this code)",
                state,
                record?.Phase ?? "",
                record?.StartedAt.ToString("u", CultureInfo.InvariantCulture) ?? "",
                record?.FinishedAt?.ToString("u", CultureInfo.InvariantCulture) ?? "",
                record?.Owner ?? "",
                record?.Visited.ToString("N0", CultureInfo.InvariantCulture) ?? "",
                record?.Changed.ToString("N0", CultureInfo.InvariantCulture) ?? "",
                record?.Error ?? "",
            };
        }).ToList();
        if (Console.IsOutputRedirected)
        {
            // One line a migration, never wrapped: for scripts and logs.
            Console.WriteLine(string.Join(" | ", columns));
            foreach (var line in lines)
            {
                Console.WriteLine(string.Join(" | ", line));
            }

            return;
        }

        var table = new Table().AddColumns(columns);
        foreach (var line in lines)
        {
            table.AddRow([.. line.Select(Markup.Escape)]);
        }

        AnsiConsole.Write(table);
    }

    private static void PrintPlans(IReadOnlyList<MigrationPlan> plans)
    {
        if (plans.Count == 0)
        {
            Console.WriteLine("Nothing to plan: every migration is applied.");
            return;
        }

        foreach (var plan in plans)
        {
            Console.WriteLine($"Migration {plan.Version} ({plan.Name}), dry run: nothing was written.");
            foreach (var entry in plan.Entries)
            {
                Console.WriteLine($"  {entry.ItemType}: {entry.Visited:N0} items, {entry.Changing:N0} would change.");
                foreach (var sample in entry.Samples)
                {
                    Console.WriteLine($"    before: {Render(sample.Before)}");
                    Console.WriteLine($"    after:  {Render(sample.After)}");
                }
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  Units: {plan.ReadUnits:N1} read units (this dry run's scan, measured; the run's is the same), about {plan.WriteUnits:N0} write units (estimated: two a kilobyte of each item written in a transaction), plus two a batch of up to 99 items for its checkpoint."));
        }
    }

    private static string Render(IReadOnlyList<Dictionary<string, AttributeValue>> items) =>
        string.Join(" + ", items.Select(item => "{" + string.Join(", ", item.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}: {Render(a.Value)}")) + "}"));

    private static string Render(AttributeValue value) => value switch
    {
        { S: { } s } => JsonSerializer.Serialize(s),
        { N: { } n } => n,
        { BOOL: { } b } => b ? "true" : "false",
        { M: { Count: > 0 } m } => "{" + string.Join(", ", m.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}: {Render(a.Value)}")) + "}",
        { L: { Count: > 0 } l } => "[" + string.Join(", ", l.Select(Render)) + "]",
        _ => "null",
    };

    /// <summary>A run's progress: a line a second, as JSON when no one watches, else as text with the ETA.</summary>
    private sealed class ProgressLines(bool json) : IProgress<PassProgress>
    {
        private readonly Lock _gate = new();
        private DateTime _last = DateTime.MinValue;

        public void Report(PassProgress value)
        {
            lock (_gate)
            {
                if (DateTime.UtcNow - _last < TimeSpan.FromSeconds(1))
                {
                    return;
                }

                _last = DateTime.UtcNow;
            }

            var share = value.TableItems is > 0 ? Math.Min(1, (double)value.Scanned / value.TableItems.Value) : (double?)null;
            var eta = share is > 0 ? TimeSpan.FromSeconds(value.Elapsed.TotalSeconds * (1 - share.Value) / share.Value) : (TimeSpan?)null;
            if (json)
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    migration = value.Version,
                    name = value.Name,
                    phase = value.Phase,
                    scanned = value.Scanned,
                    visited = value.Visited,
                    changed = value.Changed,
                    tableItems = value.TableItems,
                    elapsedSeconds = Math.Round(value.Elapsed.TotalSeconds, 1),
                    etaSeconds = eta is null ? (double?)null : Math.Round(eta.Value.TotalSeconds, 1),
                }));
                return;
            }

            var bar = share is { } s ? new string('#', (int)(s * 30)).PadRight(30, '.') : new string('?', 30);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  [{bar}] {value.Scanned:N0}/{value.TableItems:N0} scanned, {value.Visited:N0} visited, {value.Changed:N0} changed, {value.Elapsed:mm\\:ss} elapsed{(eta is { } e ? $", about {e:mm\\:ss} to go" : "")}"));
        }
    }
}
