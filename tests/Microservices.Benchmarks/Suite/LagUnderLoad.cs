using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microservices.Benchmarks.Harness;
using Microservices.Tests.Infrastructure;

namespace Microservices.Benchmarks.Suite;

/// <summary>
/// Benchmark 6: the command ceiling (renames through HTTP, closed loop, at the best of 1, 2, 4, 8 and 16 in flight), then <c>ops soak</c> as a
/// process at fixed arrival rates (open loop) of shares of it, on a private RabbitMQ node, with every fault off; the
/// lag comes from the soak's report (<see cref="SoakReportFormat"/>).
/// </summary>
public sealed class LagUnderLoad(BenchSystem system, SuiteSettings settings, string repository, CancellationToken cancellationToken)
{
    private static readonly int[] InFlight = [1, 2, 4, 8, 16];

    public async Task MeasureAsync(SuiteResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var ceiling = 0.0;
        foreach (var inFlight in InFlight)
        {
            var rate = await CeilingAsync(inFlight, TimeSpan.FromSeconds(settings.Mode == "quick" ? 3 : 10));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {inFlight,2} in flight: {rate:F0} commands/s"));
            ceiling = Math.Max(ceiling, rate);
        }

        results.CommandCeiling = ceiling;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  command ceiling {ceiling:F0} commands/s"));

        var ops = Path.Combine(repository, "services/Ops/bin/Release/net10.0/ops.dll");
        if (!File.Exists(ops))
        {
            results.Skipped["6. Lag against load"] = $"{ops} is not built (dotnet build Microservices.sln -c Release)";
            return;
        }

        var help = await RunAsync(["exec", ops, "soak", "--help"], TimeSpan.FromMinutes(1));
        if (!help.Output.Contains(SoakReportFormat.RateOption, StringComparison.Ordinal))
        {
            results.Skipped["6. Lag against load"] = $"this `ops soak` has no {SoakReportFormat.RateOption} option (open loop) yet";
            return;
        }

        await using var node = await RabbitMqNode.StartAsync("bench");
        foreach (var percent in settings.LagPercents)
        {
            var rate = ceiling * percent / 100;
            var directory = Path.Combine(Path.GetTempPath(), $"bench-soak-{percent}-{Environment.ProcessId}");
            Directory.CreateDirectory(directory);
            var run = await RunAsync(
                ["exec", ops, .. SoakReportFormat.Arguments(rate, settings.LagCommands, directory, node.Host, node.Port, node.NodeName)],
                TimeSpan.FromMinutes(30));
            var report = Path.Combine(directory, SoakReportFormat.ReportFile);
            if (!File.Exists(report))
            {
                results.Lag.Add(new LagRow(percent, rate, null, null, $"no {SoakReportFormat.ReportFile} (exit code {run.ExitCode})"));
                continue;
            }

            var json = JsonNode.Parse(await File.ReadAllTextAsync(report, cancellationToken))!;
            results.Lag.Add(new LagRow(percent, rate, SoakReportFormat.Read(json, SoakReportFormat.LagP50), SoakReportFormat.Read(json, SoakReportFormat.LagP99),
                run.ExitCode == 0 ? null : $"soak exit code {run.ExitCode}"));
        }
    }

    /// <summary>Renames through HTTP, <paramref name="inFlight"/> authors each renamed in a closed loop for <paramref name="duration"/>.</summary>
    private async Task<double> CeilingAsync(int inFlight, TimeSpan duration)
    {
        var authors = new List<string>();
        for (var i = 0; i < inFlight; i++)
        {
            authors.Add((await system.Catalog.PostAsync("/authors", new { name = "Ceiling 0" }, cancellationToken))!["authorId"]!.GetValue<string>());
        }

        var done = 0;
        var started = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(authors, new ParallelOptions { MaxDegreeOfParallelism = inFlight, CancellationToken = cancellationToken }, async (author, ct) =>
        {
            for (var version = 1; Stopwatch.GetElapsedTime(started) < duration; version++)
            {
                await system.Catalog.PutAsync($"/authors/{author}/name", new { name = $"Ceiling {version}", expectedVersion = version }, ct);
                Interlocked.Increment(ref done);
            }
        });
        return done / Stopwatch.GetElapsedTime(started).TotalSeconds;
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
