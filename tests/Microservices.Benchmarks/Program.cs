using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Microservices.Benchmarks.Harness;
using Microservices.Benchmarks.Suite;
using Microservices.SingleTable;

namespace Microservices.Benchmarks;

/// <summary>Measurements that take time and a warm server; they are kept out of the test suite on purpose.</summary>
internal static class BenchmarkProgram
{
    private static readonly string[] Names =
    [
        "", "1. Command overhead", "2. Cost against history", "3. Reads per access pattern", "4. Aggregates", "5. Fan-out",
        "6. Lag against load", "7. The stream consumer", "8. Capacity per command",
    ];

    public static async Task<int> Main(string[] args)
    {
        var quick = new Option<bool>("--quick") { Description = "Small sizes: a few minutes instead of the full run." };
        var only = new Option<int[]>("--only") { Description = "Run only these benchmarks (1-8), e.g. --only 1 3; the report is then benchmarks-only-1-3.md, beside the full run's.", AllowMultipleArgumentsPerToken = true };
        var skip = new Option<int[]>("--skip") { Description = "Leave these benchmarks (1-8) out, e.g. --skip 6.", AllowMultipleArgumentsPerToken = true };
        var output = new Option<string>("--out") { Description = "Where the report and its plots go: benchmarks.md and benchmarks/ for a full run, benchmarks-only-5.md and benchmarks-only-5/ for --only 5.", DefaultValueFactory = _ => Path.Combine(Repository(), "docs") };
        var suite = new RootCommand("The benchmark suite of issue 11 against DynamoDB Local; writes docs/benchmarks.md and docs/benchmarks/*.png.")
        {
            quick, only, skip, output,
        };
        suite.SetAction((parse, cancellationToken) => RunSuiteAsync(
            parse.GetValue(quick) ? SuiteSettings.Quick : SuiteSettings.Full,
            parse.GetValue(only) ?? [],
            parse.GetValue(skip) ?? [],
            parse.GetValue(output)!,
            args,
            cancellationToken));

        var records = new Option<int>("--records") { Description = "Records written up front for the throughput run.", DefaultValueFactory = _ => 5000 };
        var seconds = new Option<int>("--load-seconds") { Description = "How long the writers run in the lag-under-load run.", DefaultValueFactory = _ => 20 };
        var streamConsumer = new Command("stream-consumer", "Records per second through one consumer, and lag from commit to handler at rest and under load.")
        {
            records,
            seconds,
        };
        streamConsumer.SetAction((parse, cancellationToken) =>
            StreamConsumerBenchmark.RunAsync(parse.GetValue(records), TimeSpan.FromSeconds(parse.GetValue(seconds)), cancellationToken));
        suite.Subcommands.Add(streamConsumer);

        var sizes = new Option<int[]>("--sizes") { Description = "Stream records to measure at.", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => [0, 5_000, 20_000, 50_000] };
        var streamCost = new Command("stream-cost", "What a stream read costs DynamoDB Local as its stream records pile up (why each benchmark has a server of its own).")
        {
            sizes,
        };
        streamCost.SetAction((parse, cancellationToken) => StreamCostBenchmark.RunAsync(parse.GetValue(sizes)!, cancellationToken));
        suite.Subcommands.Add(streamCost);

        var clients = new Option<int>("--clients") { Description = "Clients seeded before migration 1 runs.", DefaultValueFactory = _ => 100_000 };
        var migration = new Command("migration", "Migration 1 on a table of many clients while the Clients API takes commands: items a second, units, and the commands' latency before and during.")
        {
            clients,
        };
        migration.SetAction((parse, cancellationToken) => MigrationBenchmark.RunAsync(parse.GetValue(clients), cancellationToken));
        suite.Subcommands.Add(migration);

        return await suite.Parse(args).InvokeAsync();
    }

    private static async Task<int> RunSuiteAsync(SuiteSettings settings, int[] only, int[] skip, string output, string[] args, CancellationToken cancellationToken)
    {
        bool Runs(int benchmark) => (only.Length == 0 || only.Contains(benchmark)) && !skip.Contains(benchmark);
        var started = Stopwatch.StartNew();
        var date = DateTimeOffset.UtcNow;
        var machine = Machine();
        var results = new SuiteResults();
        Console.WriteLine($"Benchmarks, {settings.Mode} mode, on {machine}");
        CapacityLog.Register(); // before any client is made; benchmark 8 turns it on
        await using var local = await DynamoDbLocal.StartAsync(cancellationToken: cancellationToken);

        async Task Step(int benchmark, Func<Task> run)
        {
            if (!Runs(benchmark))
            {
                return;
            }

            Console.WriteLine($"{Names[benchmark]} ({started.Elapsed:mm\\:ss})");
            try
            {
                await run();
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Console.Error.WriteLine($"{Names[benchmark]} failed: {exception}");
                results.Skipped[Names[benchmark]] = $"failed: {exception.GetType().Name}: {exception.Message.ReplaceLineEndings(" ")}";
            }
        }

        // Warm-up first, on the system benchmarks 1 and 3 use: DynamoDB Local is several times slower for its first
        // few thousand requests, and the JIT for its first calls of each path.
        await using (var overheadSystem = await BenchSystem.StartAsync(local.ServiceUrl, "overhead", cancellationToken))
        {
            var overhead = new CommandOverhead(overheadSystem, cancellationToken);
            Console.WriteLine($"Warm-up: the fixture, then {settings.WarmupPairs} pairs of every command and read, discarded");
            await overhead.SeedAsync();
            foreach (var c in overhead.Reads().Concat(overhead.Commands()))
            {
                await overhead.MeasureAsync(c, settings.WarmupPairs);
            }

            await Step(1, async () =>
            {
                foreach (var c in overhead.Reads())
                {
                    results.Reads.Add(Print(await overhead.MeasureAsync(c, settings.Pairs)));
                }

                foreach (var c in overhead.Commands())
                {
                    results.Commands.Add(Print(await overhead.MeasureAsync(c, settings.Pairs)));
                }
            });
            await Step(3, () => new AccessPatterns(overheadSystem, overhead, cancellationToken).MeasureAsync(results, settings.Pairs));
            // Last on this system: it starts the workers and asks every later request for its capacity.
            await Step(8, () => new CommandCapacity(overheadSystem, overhead, settings, cancellationToken).MeasureAsync(results));
        }

        // Every later benchmark on a server of its own (FreshServer says why).
        await Step(2, () => FreshServer.RunAsync(async server =>
        {
            await using var system = await BenchSystem.StartAsync(server, "history", cancellationToken);
            var history = new HistoryCost(system, cancellationToken);
            foreach (var events in settings.HistorySizes)
            {
                var row = await history.MeasureAsync(events, settings.HistoryPairs);
                results.History.Add(row);
                Print(row.Comparison);
            }
        }, cancellationToken));

        await Step(4, () => FreshServer.RunAsync(async server =>
        {
            await using var system = await BenchSystem.StartAsync(server, "aggregates", cancellationToken);
            await system.StartWorkerAsync(cancellationToken);
            var benchmarks = new WorkerBenchmarks(system, settings, cancellationToken);
            await benchmarks.AggregatesAsync(results);
        }, cancellationToken));

        await Step(5, () => FreshServer.RunAsync(async server =>
        {
            await using var system = await BenchSystem.StartAsync(server, "fanout", cancellationToken);
            await system.StartWorkerAsync(cancellationToken);
            var benchmarks = new WorkerBenchmarks(system, settings, cancellationToken);
            await benchmarks.FanOutAsync(results);
        }, cancellationToken));

        await Step(6, () => new LagUnderLoad(settings, Repository(), cancellationToken).MeasureAsync(results));

        await Step(7, () => FreshServer.RunAsync(async server =>
        {
            await StreamConsumerBenchmark.SuiteAsync(server, settings.ConsumerRecords, results, cancellationToken);
            foreach (var row in results.Consumer)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {row.Shards} shard(s), {row.Source}: {row.RecordsPerSecond:F0} records/s"));
            }
        }, cancellationToken));

        var name = BenchmarkReport.Name(only, skip);
        var plots = Plots.Write(results, Path.Combine(output, name));
        var command = "bash tests/bench.sh" + (args.Length == 0 ? "" : " " + string.Join(' ', args));
        var markdown = BenchmarkReport.Markdown(results, new RunInfo(date, machine, command, settings.Mode, started.Elapsed), plots, name);
        var file = Path.Combine(output, name + ".md");
        await File.WriteAllTextAsync(file, markdown, cancellationToken);
        Console.WriteLine($"Wrote {file} and {plots.Count} plots in {started.Elapsed:h\\:mm\\:ss}.");
        foreach (var line in Targets.Evaluate(results))
        {
            Console.WriteLine($"{line.Verdict,-12} {line.Target}: {line.Measured}");
        }

        return 0;
    }

    private static Comparison Print(Comparison c)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {c.Case,-32} p50 {c.System.P50,7:F2} ms raw {c.Raw.P50,7:F2} ms = {c.P50Ratio:F2}x   p99 {c.System.P99,7:F2} raw {c.Raw.P99,7:F2} = {c.P99Ratio:F2}x"));
        return c;
    }

    /// <summary>The processor, the cores, the OS and the runtime, and the load when the run began (other work on the machine skews figures).</summary>
    private static string Machine()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        var load = File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
        return $"{cpu ?? RuntimeInformation.ProcessArchitecture.ToString()}, {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, " +
            $"{RuntimeInformation.FrameworkDescription}; load average at start {load}";
    }

    /// <summary>The checkout's root: the folder above this program that holds Microservices.sln.</summary>
    internal static string Repository()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "Microservices.sln")))
                {
                    return directory.FullName;
                }
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
