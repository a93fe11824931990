using System.Globalization;

namespace Microservices.Benchmarks.Harness;

/// <summary>One target of issue 11 and how this run did: passed, failed, or not measured (null).</summary>
public sealed record TargetLine(string Target, bool? Passed, string Measured)
{
    public string Verdict => Passed switch { true => "PASS", false => "FAIL", null => "not measured" };
}

/// <summary>
/// The targets of issue 11, judged from a run. Each compares a ratio measured in the run (or, for lag, the one
/// figure the issue bounds in time), so a verdict does not depend on the machine being fast.
/// </summary>
public static class Targets
{
    public const double MaxHistoryRatio = 1.2;
    public const double MaxAggregateRatio = 1.2;
    public const double MinFanOutShare = 0.8;
    public const double MaxLagP99AtHalfMilliseconds = 1000;
    public const double MaxRestLagP99Milliseconds = 300;
    public const double MaxOverheadRatio = 1.2;

    public static IReadOnlyList<TargetLine> Evaluate(SuiteResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        return [History(results), Aggregates(results), FanOut(results), LagAtHalf(results), RestLag(results), Overhead(results)];
    }

    private static TargetLine History(SuiteResults results)
    {
        const string target = "Command cost at 10,000 events at most 1.2x its cost at 1 event (p50)";
        if (results.History.Count < 2)
        {
            return new(target, null, "history not measured");
        }

        var first = results.History.MinBy(r => r.Events)!;
        var last = results.History.MaxBy(r => r.Events)!;
        var ratio = last.Comparison.System.P50 / first.Comparison.System.P50;
        return new(target, ratio <= MaxHistoryRatio, Invariant($"{MarkdownTable.Ratio(ratio)} at {last.Events:N0} events against {first.Events:N0}"));
    }

    private static TargetLine Aggregates(SuiteResults results)
    {
        const string target = "Adding a book costs the same at 5,000 books as at 1 (at most 1.2x, p50 until counted)";
        if (results.Aggregates.Count < 2)
        {
            return new(target, null, "aggregates not measured");
        }

        var first = results.Aggregates.MinBy(r => r.Books)!;
        var last = results.Aggregates.MaxBy(r => r.Books)!;
        var ratio = last.UntilCounted.P50 / first.UntilCounted.P50;
        return new(target, ratio <= MaxAggregateRatio, Invariant($"{MarkdownTable.Ratio(ratio)} at book {last.Books:N0} against book {first.Books:N0}"));
    }

    private static TargetLine FanOut(SuiteResults results)
    {
        const string target = "Fan-out at least 0.8 of the raw ceiling";
        if (results.FanOut.Count == 0)
        {
            return new(target, null, "fan-out not measured");
        }

        var worst = results.FanOut.MinBy(r => r.Ratio)!;
        return new(target, worst.Ratio >= MinFanOutShare, Invariant($"worst {worst.Ratio:0.00} of the ceiling ({worst.Books:N0} books)"));
    }

    private static TargetLine LagAtHalf(SuiteResults results)
    {
        const string target = "Lag p99 at most 1 s at 50% of the command ceiling";
        var half = results.Lag.FirstOrDefault(r => r.PercentOfCeiling == 50 && r.P99Milliseconds is not null);
        return half is null
            ? new(target, null, "lag against load not measured")
            : new(target, half.P99Milliseconds <= MaxLagP99AtHalfMilliseconds,
                Invariant($"p99 {half.P99Milliseconds:N0} ms = {half.P99Milliseconds / MaxLagP99AtHalfMilliseconds:0.00} of the bound"));
    }

    private static TargetLine RestLag(SuiteResults results)
    {
        const string target = "Lag p99 at most 300 ms at rest";
        return results.RestLag is not { } rest
            ? new(target, null, "lag at rest not measured")
            : new(target, rest.P99 <= MaxRestLagP99Milliseconds, Invariant($"p99 {rest.P99:N0} ms = {rest.P99 / MaxRestLagP99Milliseconds:0.00} of the bound"));
    }

    private static TargetLine Overhead(SuiteResults results)
    {
        const string target = "Command overhead at most 1.2x raw at p50 for every command and read";
        var all = results.Commands.Concat(results.Reads).ToList();
        if (all.Count == 0)
        {
            return new(target, null, "command overhead not measured");
        }

        var worst = all.MaxBy(c => c.P50Ratio)!;
        var over = all.Count(c => c.P50Ratio > MaxOverheadRatio);
        return new(target, over == 0, Invariant($"worst {MarkdownTable.Ratio(worst.P50Ratio)} ({worst.Case}); {over} of {all.Count} above 1.2x"));
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
