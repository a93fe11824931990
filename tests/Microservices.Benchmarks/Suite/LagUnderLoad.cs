using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microservices.Benchmarks.Harness;
using Microservices.SingleTable;
using Microservices.Tests.Infrastructure;

namespace Microservices.Benchmarks.Suite;

/// <summary>
/// Benchmark 6, all of it <c>ops soak</c> as a process with every fault off, on the suite's DynamoDB Local and a
/// private RabbitMQ node: the command ceiling is the soak's own mixed workload in a closed loop at the best of a few
/// numbers in flight (its achieved rate, from its report); then the same soak in an open loop at fixed arrival rates
/// that are shares of that ceiling, with the lag from its report (<see cref="SoakReportFormat"/>). Each soak has a
/// DynamoDB Local of its own (<see cref="FreshServer"/>), so no run is slowed by the stream records of the ones before.
/// </summary>
public sealed class LagUnderLoad(SuiteSettings settings, string repository, CancellationToken cancellationToken)
{
    private const string Name = "6. Lag against load";

    public async Task MeasureAsync(SuiteResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var ops = Path.Combine(repository, "services/Ops/bin/Release/net10.0/ops.dll");
        if (!File.Exists(ops))
        {
            results.Skipped[Name] = $"{ops} is not built (dotnet build Microservices.sln -c Release)";
            return;
        }

        var help = await RunAsync(["exec", ops, "soak", "--help"], TimeSpan.FromMinutes(1));
        if (!help.Output.Contains(SoakReportFormat.RateOption, StringComparison.Ordinal))
        {
            results.Skipped[Name] = $"this `ops soak` has no {SoakReportFormat.RateOption} option (open loop) yet";
            return;
        }

        await using var node = await RabbitMqNode.StartAsync("bench");
        foreach (var concurrency in settings.CeilingConcurrencies)
        {
            var (report, note) = await SoakAsync(ops, $"lag-ceiling-{concurrency}", node, settings.CeilingCommands,
                target => SoakReportFormat.ClosedLoop(concurrency, target));
            if (report is not null && SoakReportFormat.Read(report, SoakReportFormat.AchievedRate) is { } rate)
            {
                results.CeilingByConcurrency[concurrency] = rate;
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  closed loop, {concurrency,2} in flight: {results.CeilingByConcurrency.GetValueOrDefault(concurrency):F1} commands/s {note}"));
        }

        if (results.CommandCeiling is not { } ceiling)
        {
            results.Skipped[Name] = "no closed-loop soak reported its rate: no command ceiling";
            return;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  command ceiling {ceiling:F1} commands/s at {results.CeilingConcurrency} in flight"));
        foreach (var percent in settings.LagPercents)
        {
            var rate = ceiling * percent / 100;
            var (report, note) = await SoakAsync(ops, $"lag-{percent}", node, settings.OpenLoopCommands(rate), target => SoakReportFormat.OpenLoop(rate, target));
            var row = report is null
                ? new LagRow(percent, rate, null, null, null, note)
                : new LagRow(percent, rate, SoakReportFormat.Read(report, SoakReportFormat.AchievedRate),
                    SoakReportFormat.Read(report, SoakReportFormat.LagP50), SoakReportFormat.Read(report, SoakReportFormat.LagP99), note);
            results.Lag.Add(row);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {percent,2}% = {rate:F1}/s (achieved {row.AchievedPerSecond:F1}/s): lag p50 {row.P50Milliseconds:F0} ms, p99 {row.P99Milliseconds:F0} ms {note}"));
        }
    }

    /// <summary>
    /// One soak on a DynamoDB Local of its own (stopped after it: the server holds every stream record); its report, or null, and a note of what was not as asked (its exit code, arrivals the in-flight cap held back).
    /// </summary>
    private async Task<(JsonNode? Report, string? Note)> SoakAsync(
        string ops, string name, RabbitMqNode node, int commands, Func<SoakTarget, IReadOnlyList<string>> arguments)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"bench-soak-{name}-{Environment.ProcessId}");
        Directory.CreateDirectory(directory);
        (JsonNode? Report, string? Note) outcome = (null, null);
        await FreshServer.RunAsync(async server =>
        {
            var tables = BenchSystem.TablesOn(server, name);
            var target = new SoakTarget(commands, directory, tables, node.Host, node.Port, node.NodeName, settings.SettleTimeout, settings.LagWarmUp);
            var run = await RunAsync(["exec", ops, .. arguments(target)], settings.SettleTimeout + TimeSpan.FromMinutes(30));
            var file = Path.Combine(directory, SoakReportFormat.ReportFile);
            if (!File.Exists(file))
            {
                await Console.Error.WriteLineAsync(run.Output);
                outcome = (null, $"no {SoakReportFormat.ReportFile} (exit code {run.ExitCode})");
                return;
            }

            var report = JsonNode.Parse(await File.ReadAllTextAsync(file, cancellationToken))!;
            List<string> notes = [];
            if (run.ExitCode != 0)
            {
                notes.Add($"soak exit code {run.ExitCode}, see {directory}");
            }

            if (SoakReportFormat.Read(report, SoakReportFormat.CapWaits) is > 0 and var waits)
            {
                notes.Add(string.Create(CultureInfo.InvariantCulture, $"{waits:N0} arrivals held back by the in-flight cap"));
            }

            outcome = (report, notes.Count == 0 ? null : string.Join("; ", notes));
        }, cancellationToken);
        return outcome;
    }

    private async Task<(int ExitCode, string Output)> RunAsync(IReadOnlyList<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = repository };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output + await errors);
    }
}
