using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Amazon.DynamoDBv2;
using Clients.Domain;
using Microservices.Benchmarks.Harness;
using Microservices.Benchmarks.Suite;
using Microservices.EventSourcing;
using Microservices.Migrations;
using Microservices.Schema.Migrations;
using Microservices.SingleTable;

namespace Microservices.Benchmarks;

/// <summary>
/// Migration 1 (clients by email) on a table of many clients, run as a user runs it (<c>ops migrate plan</c>, then
/// <c>up</c>, processes of their own) on a DynamoDB Local of its own, warmed up, while the Clients API in this process
/// registers clients one at a time. Prints the seeding rate (raw BatchWriteItem, the baseline), the dry run's time
/// and units, the run's items a second, and the commands' latency before and during the run, with their ratio.
/// </summary>
internal static partial class MigrationBenchmark
{
    private static readonly TimeSpan Baseline = TimeSpan.FromSeconds(30);

    public static Task<int> RunAsync(int clients, CancellationToken cancellationToken) =>
        RunOnFreshServerAsync(clients, cancellationToken);

    private static async Task<int> RunOnFreshServerAsync(int clients, CancellationToken cancellationToken)
    {
        var ops = Path.Combine(BenchmarkProgram.Repository(), "services/Ops/bin/Release/net10.0/ops.dll");
        var exit = 0;
        await FreshServer.RunAsync(async serviceUrl =>
        {
            await using var system = await BenchSystem.StartAsync(serviceUrl, "migration", cancellationToken);
            var items = Enumerable.Range(0, clients)
                .Select(i => ClientsItems.Client(Client.None(Ids.New()) with { Name = $"Seeded Client {i}", Email = $"seeded{i}@example.se", Version = 1 }))
                .ToList();
            var seeding = Stopwatch.StartNew();
            await Seeding.PutAllAsync(system.Raw, system.Tables.TableName, items, cancellationToken);
            seeding.Stop();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Seeded {clients:N0} clients with BatchWriteItem in {seeding.Elapsed.TotalSeconds:F1} s: {clients / seeding.Elapsed.TotalSeconds:F0} items/s (the raw write baseline)."));

            var before = await RegisterForAsync(system, () => Task.Delay(Baseline, cancellationToken), cancellationToken);
            Console.WriteLine($"Commands before the run (POST /clients, one at a time, {Baseline.TotalSeconds:F0} s): {Summary(before)}");

            var plan = Stopwatch.StartNew();
            var (planExit, planOutput) = await OpsAsync(ops, system.Tables, ["migrate", "plan", "--to", "1"], cancellationToken);
            plan.Stop();
            var units = UnitsLine().Match(planOutput);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Dry run (exit {planExit}) in {plan.Elapsed.TotalSeconds:F1} s: {(units.Success ? units.Value : planOutput)}"));

            var run = Stopwatch.StartNew();
            (int ExitCode, string Output) up = (-1, "");
            var during = await RegisterForAsync(system, async () => up = await OpsAsync(ops, system.Tables, ["migrate", "up", "--to", "1", "--json"], cancellationToken), cancellationToken);
            run.Stop();
            using var dynamo = DynamoDbServiceCollectionExtensions.CreateClient(system.Tables);
            var record = (await new MigrationHistory(dynamo, system.Tables.LeaseTableName, system.Tables.TableName).ReadAllAsync(cancellationToken)).Single(r => r.Version == ClientsByEmail.Number);
            var backfill = BackfillSeconds(up.Output);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Run (exit {up.ExitCode}, {record.State}) in {run.Elapsed.TotalSeconds:F1} s: {record.Changed:N0} of {record.Visited:N0} visited items changed; backfill {backfill:F1} s, {record.Changed / Math.Max(backfill, 0.001):F0} items/s ({record.Changed / Math.Max(backfill, 0.001) / (clients / seeding.Elapsed.TotalSeconds):F2}x the raw write baseline)."));
            Console.WriteLine($"Commands during the run: {Summary(during)}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Latency during / before: p50 {Percentile(during, 0.5) / Percentile(before, 0.5):F2}x, p99 {Percentile(during, 0.99) / Percentile(before, 0.99):F2}x."));
            exit = up.ExitCode;
        }, cancellationToken);
        return exit;
    }

    /// <summary>Registers clients one at a time until <paramref name="until"/> is done; each command's latency in milliseconds.</summary>
    private static async Task<List<double>> RegisterForAsync(BenchSystem system, Func<Task> until, CancellationToken cancellationToken)
    {
        var latencies = new List<double>();
        using var stop = new CancellationTokenSource();
        var loop = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var watch = Stopwatch.StartNew();
                await system.Clients.PostAsync("/clients", new { name = $"Live Client {i}", email = $"live{i}.{Guid.NewGuid():N}@example.se" }, cancellationToken);
                latencies.Add(watch.Elapsed.TotalMilliseconds);
            }
        }, cancellationToken);
        try
        {
            await until();
        }
        finally
        {
            await stop.CancelAsync();
            await loop;
        }

        return latencies;
    }

    private static async Task<(int ExitCode, string Output)> OpsAsync(string ops, DynamoDbOptions tables, string[] arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { ops }.Concat(arguments).Concat(["--endpoint", tables.ServiceUrl!, "--table", tables.TableName, "--lease-table", tables.LeaseTableName]))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("ops did not start.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await output + await errors);
    }

    /// <summary>The backfill's own time, from the last progress line of its first pass.</summary>
    private static double BackfillSeconds(string output) =>
        BackfillLine().Matches(output).Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).DefaultIfEmpty(0).Max();

    private static double Percentile(List<double> samples, double quantile) => Percentiles.OfSorted([.. samples.Order()], quantile);

    private static string Summary(List<double> samples) => string.Create(CultureInfo.InvariantCulture,
        $"{samples.Count:N0} commands, p50 {Percentile(samples, 0.5):F1} ms, p99 {Percentile(samples, 0.99):F1} ms");

    [GeneratedRegex(@"Units: [^\n]*")]
    private static partial Regex UnitsLine();

    [GeneratedRegex(@"""phase"":""backfill""[^\n]*""elapsedSeconds"":([0-9.]+)")]
    private static partial Regex BackfillLine();
}
