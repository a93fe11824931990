using System.Diagnostics;
using Microservices.Migrations;
using Microservices.SingleTable;

namespace Ops.Soak;

/// <summary>One SIGKILL of the migration runner: which migration it was running and how many items it had changed.</summary>
public sealed record RunnerKill(int Version, string Phase, long Changed, DateTimeOffset At);

/// <summary>What the soak's migration did: the versions applied, each kill of the runner, how many runs it took, and how long.</summary>
public sealed record SoakMigrationReport(IReadOnlyList<int> Applied, IReadOnlyList<RunnerKill> Kills, int Runs, TimeSpan Elapsed, string? Error);

/// <summary>
/// <c>ops migrate up</c> run as a user runs it, in a process of its own, while the soak's commands flow: SIGKILLed once
/// in the backfill of each migration, once that backfill has changed items or scanned for a while, then started again (the killed
/// runner's lease runs out first) until every migration is applied. Each run is slowed by a write-unit limit, so a
/// kill lands in the middle of a migration rather than after it.
/// </summary>
public static class SoakMigration
{
    private const int LeaseSeconds = 5;
    private const int MaxWriteUnits = 200;

    public static async Task<SoakMigrationReport> RunAsync(SoakSettings soak, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(soak);
        var watch = Stopwatch.StartNew();
        using var dynamo = DynamoDbServiceCollectionExtensions.CreateClient(soak.Tables);
        var history = new MigrationHistory(dynamo, soak.Tables.LeaseTableName, soak.Tables.TableName);
        var logs = Directory.CreateDirectory(Path.Combine(soak.WorkDirectory, "logs")).FullName;
        var kills = new List<RunnerKill>();
        var backfillSeen = new Dictionary<int, long>();
        for (var run = 1; ; run++)
        {
            using var runner = Start(soak, Path.Combine(logs, $"migrate.{run}.log"));
            while (!runner.HasExited)
            {
                await Task.Delay(50, cancellationToken);
                var records = await history.ReadAllAsync(cancellationToken);
                foreach (var record in records.Where(r => r is { State: MigrationState.InProgress, Phase: MigrationPhases.Backfill }))
                {
                    backfillSeen.TryAdd(record.Version, Stopwatch.GetTimestamp());
                }

                // In the middle of its backfill: once it has changed items, or (a migration with little to change, such
                // as one whose services already write its shape) once its scan has run for a while.
                var underWay = records.FirstOrDefault(r => r is { State: MigrationState.InProgress, Phase: MigrationPhases.Backfill }
                    && (r.Changed > 0 || Stopwatch.GetElapsedTime(backfillSeen[r.Version]) > TimeSpan.FromMilliseconds(300))
                    && kills.All(k => k.Version != r.Version));
                if (underWay is not null && !runner.HasExited)
                {
                    runner.Kill(entireProcessTree: true);
                    await runner.WaitForExitAsync(cancellationToken);
                    kills.Add(new RunnerKill(underWay.Version, underWay.Phase, underWay.Changed, DateTimeOffset.UtcNow));
                }
            }

            await runner.WaitForExitAsync(cancellationToken);
            var applied = (await history.ReadAllAsync(cancellationToken)).Where(r => r.State == MigrationState.Applied).Select(r => r.Version).Order().ToList();
            if (runner.ExitCode == 0)
            {
                return new SoakMigrationReport(applied, kills, run, watch.Elapsed, null);
            }

            if (runner.ExitCode == 1 || run >= 30)
            {
                return new SoakMigrationReport(applied, kills, run, watch.Elapsed, $"ops migrate up exited {runner.ExitCode} on run {run}; see logs/migrate.{run}.log");
            }

            // Killed, or refused while the killed runner's lease runs on, or failed: start again after a pause.
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        }
    }

    private static Process Start(SoakSettings soak, string log)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = AppContext.BaseDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "ops.dll"), "migrate", "up", "--json", "--lease-seconds", $"{LeaseSeconds}", "--max-write-units", $"{MaxWriteUnits}",
            "--endpoint", soak.Tables.ServiceUrl!, "--table", soak.Tables.TableName, "--lease-table", soak.Tables.LeaseTableName,
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("ops migrate up did not start.");
        var writer = new StreamWriter(log) { AutoFlush = true };
        void Line(string? line)
        {
            if (line is not null)
            {
                lock (writer)
                {
                    writer.WriteLine(line);
                }
            }
        }

        process.OutputDataReceived += (_, e) => Line(e.Data);
        process.ErrorDataReceived += (_, e) => Line(e.Data);
        process.Exited += (_, _) =>
        {
            lock (writer)
            {
                writer.Dispose();
            }
        };
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
