using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microservices.EventSourcing;
using Microservices.Messaging;
using Microservices.Schema;
using Microservices.SingleTable;
using Microservices.Streams;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Ops.Soak;

/// <summary>Where a soak is: its phase, and how far through it (commands sent, or seconds quiet).</summary>
public sealed record SoakProgress(string Phase, double Done, double Total);

/// <summary>
/// One soak: a fresh table and a virtual host of its own, the whole system as processes, the seeded workload with
/// every fault kind, then waiting until the table and the broker are quiet, then the same check as <c>ops check</c>.
/// </summary>
public static class SoakRun
{
    public const string ObserverName = "soak-observer";

    /// <summary>The file in the work directory that holds the <see cref="SoakReport"/> as JSON.</summary>
    public const string ReportFile = "soak-report.json";

    public static async Task<SoakReport> RunAsync(SoakSettings soak, IProgress<SoakProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(soak);
        if (soak.Broker.VirtualHost is not null)
        {
            return await RunOnAsync(soak, progress, cancellationToken);
        }

        // Quiet is judged by every queue of the virtual host: one of its own, so that nothing another run left behind
        // (an _error queue's messages, say) can keep it from settling, and nothing it leaves behind outlives it.
        var name = string.Create(CultureInfo.InvariantCulture, $"{soak.Tables.TableName}-{Guid.NewGuid().ToString("N")[..8]}");
        var broker = await soak.Broker.CreateVirtualHostAsync(name, cancellationToken);
        try
        {
            return await RunOnAsync(soak with { Broker = broker }, progress, cancellationToken);
        }
        finally
        {
            // Also when the soak failed or was cancelled (Ctrl+C): the processes are stopped by now.
            try
            {
                await broker.DeleteVirtualHostAsync(CancellationToken.None);
            }
            catch (InvalidOperationException failure)
            {
                await Console.Error.WriteLineAsync($"The soak's virtual host {name} is left on the broker: {failure.Message}");
            }
        }
    }

    private static async Task<SoakReport> RunOnAsync(SoakSettings soak, IProgress<SoakProgress>? progress, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(soak.WorkDirectory);
        using var dynamo = DynamoDbServiceCollectionExtensions.CreateClient(soak.Tables);
        await new TableBootstrap(dynamo, Options.Create(soak.Tables)).EnsureTablesAsync(cancellationToken);

        var observer = new ConvergenceObserver();
        using var observing = await ObserveAsync(soak.Tables, observer, cancellationToken);
        progress?.Report(new SoakProgress("starting the services", 0, 1));
        var system = await SoakSystem.StartAsync(soak, cancellationToken);
        var workload = new Workload(system, soak.Seed, soak.Commands);
        FaultSchedule faults;
        Arrivals arrivals;
        TimeSpan loadTime, settleTime;
        bool settled;
        SoakMigrationReport? migration = null;
        try
        {
            if (soak.Rate is { } warmRate)
            {
                // Outside the measured window: the open loop's first arrival is of the normal mix, not a create, and
                // (with a warm-up) is handled by code the JIT has compiled already.
                progress?.Report(new SoakProgress("seeding the pools", 0, 1));
                await workload.SeedAsync(cancellationToken);
                if (soak.WarmUp > TimeSpan.Zero)
                {
                    progress?.Report(new SoakProgress("warming up", 0, 1));
                    await workload.WarmUpAsync(warmRate, soak.MaxInFlight, soak.WarmUp, cancellationToken);
                    await SettleAsync(soak, system, observer, progress, cancellationToken);
                    observer.MeasureFrom(DateTimeOffset.UtcNow);
                }
            }

            var clock = Stopwatch.StartNew();
            var load = soak.Rate is { } rate
                ? workload.RunAtRateAsync(rate, soak.MaxInFlight, cancellationToken)
                : workload.RunAsync(soak.Concurrency, cancellationToken);
            faults = new FaultSchedule(soak, system, workload);
            var injecting = faults.RunAsync(load, cancellationToken);
            Task<SoakMigrationReport>? migrating = null;
            while (!load.IsCompleted)
            {
                progress?.Report(new SoakProgress("commands", workload.Completed, workload.Total));
                // A third of the way in, so that every item type has items to migrate and commands keep coming.
                if (soak.Migrate && migrating is null && workload.Completed >= workload.Total / 3)
                {
                    migrating = SoakMigration.RunAsync(soak, cancellationToken);
                }

                await Task.WhenAny(load, Task.Delay(250, cancellationToken));
            }

            arrivals = await load;
            await injecting;
            if (soak.Migrate)
            {
                progress?.Report(new SoakProgress("migrating", 0, 1));
                migration = await (migrating ?? SoakMigration.RunAsync(soak, cancellationToken));
            }
            loadTime = clock.Elapsed;
            progress?.Report(new SoakProgress("commands", workload.Completed, workload.Total));
            (settled, settleTime) = await SettleAsync(soak, system, observer, progress, cancellationToken);
        }
        finally
        {
            workload.Dispose();
            // Stopped gracefully, so every process writes its last fault counts.
            await system.DisposeAsync();
            await observing.StopAsync(CancellationToken.None);
        }

        progress?.Report(new SoakProgress("check", 0, 1));
        var items = await TableSnapshot.ScanAsync(dynamo, soak.Tables.TableName, 4, null, cancellationToken);
        var results = ConsistencyCheck.Run(items, await TableShapes.ReadAsync(dynamo, soak.Tables, cancellationToken));
        var check = ConsistencyReport.From(soak.Tables.TableName, items.Count, results);
        await File.WriteAllTextAsync(Path.Combine(soak.WorkDirectory, "consistency-report.json"), check.ToJson(), cancellationToken);
        progress?.Report(new SoakProgress("check", 1, 1));

        var samples = observer.Samples();
        await File.WriteAllLinesAsync(Path.Combine(soak.WorkDirectory, "lag.csv"),
            ["stream,id,version,eventType,committed,onStreamMs,lagMs,copies",
             .. samples.Select(s => string.Create(CultureInfo.InvariantCulture,
                 $"{s.Stream},{s.Id},{s.Version},{s.EventType},{s.Committed:O},{s.OnStream.TotalMilliseconds:F0},{s.Lag.TotalMilliseconds:F0},{s.Copies}"))],
            cancellationToken);
        var injected = FaultCounts(system.FaultCountsDirectory);
        foreach (var (kind, count) in faults.Injected)
        {
            injected[kind] = count;
        }

        injected["conflicting-commands"] = workload.ConflictingCommands;
        injected["cross-service-races"] = workload.Races;
        var report = new SoakReport
        {
            Seed = soak.Seed,
            Table = soak.Tables.TableName,
            VirtualHost = soak.Broker.VirtualHost!,
            Arrivals = arrivals,
            Commands = workload.Completed,
            Outcomes = workload.Outcomes.GroupBy(o => o.Key.Outcome).ToDictionary(g => g.Key, g => g.Sum(o => o.Value)),
            ByCommand = workload.Outcomes.GroupBy(o => o.Key.Command).OrderBy(g => g.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => (IReadOnlyDictionary<string, long>)g.ToDictionary(o => o.Key.Outcome, o => o.Value)),
            Events = observer.Events,
            CopyWrites = observer.CopyWrites,
            ItemsChecked = items.Count,
            Checked = results.ToDictionary(r => r.Invariant, r => r.Checked),
            Faults = injected,
            LostUpdates = workload.Writes.LostUpdates,
            LostUpdateList = workload.Writes.LostUpdateList(),
            UnchangedAcceptances = workload.Writes.Unchanged,
            SharedVersionsWithoutLoss = workload.Writes.SharedWithoutLoss,
            BurstsAcceptedMoreThanOnce = workload.BurstsAcceptedMoreThanOnce,
            Anomalies = check.Anomalies,
            Lag = LagSummary.Of([.. samples.Select(s => s.Lag)]),
            LoadTime = loadTime,
            SettleTime = settleTime,
            Settled = settled,
            Migration = migration,
        };
        await File.WriteAllTextAsync(Path.Combine(soak.WorkDirectory, ReportFile), report.ToJson(), cancellationToken);
        return report;
    }

    /// <summary>
    /// Waits until nothing has changed in the table for the quiet period and the broker holds no message, queued or
    /// unacknowledged (a message in a consumer's retry is unacknowledged). Every killed process is running again by now.
    /// </summary>
    private static async Task<(bool Settled, TimeSpan After)> SettleAsync(
        SoakSettings soak, SoakSystem system, ConvergenceObserver observer, IProgress<SoakProgress>? progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < soak.SettleTimeout)
        {
            var quiet = DateTimeOffset.UtcNow - observer.LastRecordAt;
            progress?.Report(new SoakProgress("settling", Math.Min(quiet.TotalSeconds, soak.QuietPeriod.TotalSeconds), soak.QuietPeriod.TotalSeconds));
            if (quiet >= soak.QuietPeriod && system.Killable.All(p => p.Running) && await soak.Broker.IdleAsync(cancellationToken))
            {
                return (true, clock.Elapsed - quiet);
            }

            await Task.Delay(250, cancellationToken);
        }

        return (false, clock.Elapsed);
    }

    /// <summary>The soak's own reader of the table's stream, which times every change it sees.</summary>
    private static async Task<IHost> ObserveAsync(DynamoDbOptions tables, ConvergenceObserver observer, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(tables.ToSettings());
        builder.Services.AddDynamoDb();
        builder.Services.AddSingleton(observer);
        builder.Services.AddTableStreamConsumer<ConvergenceObserver>(ObserverName, options =>
        {
            options.PollInterval = TimeSpan.FromMilliseconds(50);
            options.ShardDiscoveryInterval = TimeSpan.FromMilliseconds(500);
        });
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return host;
    }

    /// <summary>The fault counts every process incarnation left behind, summed by kind.</summary>
    private static Dictionary<string, long> FaultCounts(string directory)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(directory, "*.json"))
        {
            foreach (var (kind, count) in JsonSerializer.Deserialize<Dictionary<string, long>>(File.ReadAllText(file)) ?? [])
            {
                counts[kind] = counts.GetValueOrDefault(kind) + count;
            }
        }

        return counts;
    }
}
