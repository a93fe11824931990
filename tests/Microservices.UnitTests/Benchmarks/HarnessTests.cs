using Microservices.Benchmarks.Harness;

namespace Microservices.UnitTests.Benchmarks;

public sealed class PercentileTests
{
    private static readonly double[] OneToHundred = [.. Enumerable.Range(1, 100).Select(i => (double)i)];

    [Fact]
    public void The_median_and_p99_of_one_to_a_hundred_are_the_fiftieth_and_the_ninety_ninth_sample()
    {
        Assert.Equal(50, Percentiles.OfSorted(OneToHundred, 0.50));
        Assert.Equal(99, Percentiles.OfSorted(OneToHundred, 0.99));
        Assert.Equal(100, Percentiles.OfSorted(OneToHundred, 1.0));
    }

    [Fact]
    public void A_percentile_is_always_one_of_the_samples_never_an_interpolation()
    {
        double[] samples = [10, 1, 7, 3];
        Assert.Equal(3, Percentiles.Of(samples, 0.5));
        Assert.Equal(10, Percentiles.Of(samples, 0.99));
        Assert.Equal(1, Percentiles.Of(samples, 0.01));
    }

    [Fact]
    public void A_summary_sorts_its_samples_itself()
    {
        var summary = Summary.Of([5, 1, 3]);
        Assert.Equal((3, 3.0, 5.0, 3.0, 1.0, 5.0), (summary.Count, summary.P50, summary.P99, summary.Mean, summary.Min, summary.Max));
    }

    [Fact]
    public void No_samples_or_a_quantile_outside_zero_to_one_is_refused()
    {
        Assert.Throws<ArgumentException>(() => Summary.Of([]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Percentiles.OfSorted(OneToHundred, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Percentiles.OfSorted(OneToHundred, 1.5));
    }
}

public sealed class InterleavingTests
{
    [Fact]
    public void The_sides_alternate_and_each_raw_sample_follows_the_system_sample_of_its_pair()
    {
        var steps = Interleaving.Order(3).ToList();
        Assert.Equal(
            [new(0, Side.System), new(0, Side.Raw), new(1, Side.System), new(1, Side.Raw), new(2, Side.System), new(2, Side.Raw)],
            steps);
    }

    [Fact]
    public async Task A_run_prepares_each_pair_before_its_system_sample_and_times_both_sides()
    {
        var calls = new List<string>();
        var (system, raw) = await Interleaving.RunAsync(
            2,
            pair => { calls.Add($"setup {pair}"); return Task.CompletedTask; },
            pair => { calls.Add($"system {pair}"); return Task.CompletedTask; },
            pair => { calls.Add($"raw {pair}"); return Task.CompletedTask; });

        Assert.Equal(["setup 0", "system 0", "raw 0", "setup 1", "system 1", "raw 1"], calls);
        Assert.Equal(2, system.Count);
        Assert.Equal(2, raw.Count);
    }

    [Fact]
    public void A_comparison_divides_the_system_by_the_raw_side()
    {
        var comparison = new Comparison("Rename", Summary.Of([11, 12]), Summary.Of([10, 8]));
        Assert.Equal(11.0 / 8, comparison.P50Ratio);
        Assert.Equal(12.0 / 10, comparison.P99Ratio);
    }
}

public sealed class ReportTests
{
    [Fact]
    public void A_table_right_aligns_numbers_escapes_pipes_and_prints_missing_figures_as_dashes()
    {
        var table = new MarkdownTable("Case", "p50", "Ratio")
            .Row("a|b", 4.25, "1.10x")
            .Row("c", null, "-")
            .ToString();

        Assert.Equal(
            "| Case | p50 | Ratio |\n|---|---:|---:|\n| a\\|b | 4.25 | 1.10x |\n| c | - | - |\n",
            table.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void A_row_with_the_wrong_number_of_cells_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new MarkdownTable("One", "Two").Row("only one"));
    }

    [Fact]
    public void The_report_says_when_where_and_how_it_was_made_and_puts_each_figure_beside_its_baseline()
    {
        var results = new SuiteResults();
        results.Commands.Add(new Comparison("RenameAuthor", Summary.Of([5.5]), Summary.Of([5.0])));
        var run = new RunInfo(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero), "2 cores", "bash tests/bench.sh --quick", "quick", TimeSpan.FromMinutes(3));

        var markdown = BenchmarkReport.Markdown(results, run, ["command-overhead.png"]).ReplaceLineEndings("\n");

        Assert.Contains("| Date | 2026-12-01 12:00 UTC |", markdown, StringComparison.Ordinal);
        Assert.Contains("| Command | `bash tests/bench.sh --quick` |", markdown, StringComparison.Ordinal);
        Assert.Contains("| RenameAuthor | 1 | 5.5 | 5.0 | 1.10x | 5.5 | 5.0 | 1.10x |", markdown, StringComparison.Ordinal);
        Assert.Contains("- **PASS**: Command overhead at most 1.2x raw", markdown, StringComparison.Ordinal);
        Assert.Contains("- **not measured**: Fan-out at least 0.8 of the raw ceiling", markdown, StringComparison.Ordinal);
        Assert.Contains("![command-overhead](benchmarks/command-overhead.png)", markdown, StringComparison.Ordinal);
    }
}

public sealed class CapacityReportTests
{
    [Fact]
    public void The_capacity_section_adds_the_commands_and_the_workers_units_and_takes_the_mean_of_the_samples()
    {
        var results = new SuiteResults { LeaseUnitsPerSecondAtRest = 1.5 };
        var samples = new CapacityRow("AddBook", 1, 0, 6, 2, 1, 7, 1, 2)
            .Plus(new CapacityRow("AddBook", 1, 0, 6, 2, 3, 7, 1, 4));
        results.Capacity.Add(samples.Mean());
        var run = new RunInfo(new DateTimeOffset(2026, 12, 2, 12, 0, 0, TimeSpan.Zero), "2 cores", "bash tests/bench.sh --only 8", "full", TimeSpan.FromMinutes(9));

        var markdown = BenchmarkReport.Markdown(results, run, []).ReplaceLineEndings("\n");

        Assert.Contains("## 8. Capacity per command", markdown, StringComparison.Ordinal);
        Assert.Contains("| AddBook | 2 | 0.0 | 6.0 | 2.0 | 2.0 | 7.0 | 1.0 | 16.0 | 2.0 | 3.0 |", markdown, StringComparison.Ordinal);
        Assert.Contains("16.0 write units and 2.0 read units per command", markdown, StringComparison.Ordinal);
    }
}

public sealed class TargetTests
{
    private static TargetLine Line(SuiteResults results, string startsWith) =>
        Targets.Evaluate(results).Single(l => l.Target.StartsWith(startsWith, StringComparison.Ordinal));

    [Fact]
    public void One_command_above_the_overhead_bound_fails_the_overhead_target()
    {
        var results = new SuiteResults();
        results.Commands.Add(new Comparison("Fast", Summary.Of([1.1]), Summary.Of([1.0])));
        results.Reads.Add(new Comparison("Slow", Summary.Of([1.3]), Summary.Of([1.0])));

        var line = Line(results, "Command overhead");

        Assert.False(line.Passed);
        Assert.Contains("Slow", line.Measured, StringComparison.Ordinal);
    }

    [Fact]
    public void The_history_target_compares_the_longest_stream_with_the_shortest()
    {
        var results = new SuiteResults();
        results.History.Add(new HistoryRow(1, new Comparison("1", Summary.Of([5]), Summary.Of([4]))));
        results.History.Add(new HistoryRow(10_000, new Comparison("10000", Summary.Of([50]), Summary.Of([40]))));

        var line = Line(results, "Command cost");

        Assert.False(line.Passed);
        Assert.StartsWith("10.00x at 10,000 events", line.Measured, StringComparison.Ordinal);
    }

    [Fact]
    public void Fan_out_passes_at_eight_tenths_of_the_best_raw_concurrency()
    {
        var results = new SuiteResults();
        results.FanOut.Add(new FanOutRow(1000, 800, 150, 900, new Dictionary<int, double> { [1] = 300, [4] = 1000, [16] = 900 }));

        Assert.True(Line(results, "Fan-out").Passed);
        Assert.Equal(4, results.FanOut[0].BestConcurrency);
    }

    [Fact]
    public void A_target_nothing_measured_is_neither_passed_nor_failed()
    {
        Assert.All(Targets.Evaluate(new SuiteResults()), line => Assert.Null(line.Passed));
    }

    [Fact]
    public void A_partial_run_writes_a_report_of_its_own_beside_the_full_runs_and_links_its_own_plots()
    {
        Assert.Equal("benchmarks", BenchmarkReport.Name([], []));
        Assert.Equal("benchmarks-only-3-5", BenchmarkReport.Name([5, 3], []));
        Assert.Equal("benchmarks-skip-6", BenchmarkReport.Name([], [6]));
        var run = new RunInfo(DateTimeOffset.UnixEpoch, "2 cores", "bash tests/bench.sh --only 5", "full", TimeSpan.FromMinutes(15));

        var partial = BenchmarkReport.Markdown(new SuiteResults(), run, ["fan-out.png"], "benchmarks-only-5");
        var full = BenchmarkReport.Markdown(new SuiteResults(), run, ["fan-out.png"]);

        Assert.Contains("![fan-out](benchmarks-only-5/fan-out.png)", partial, StringComparison.Ordinal);
        Assert.Contains("A partial run: [benchmarks.md](benchmarks.md)", partial, StringComparison.Ordinal);
        Assert.DoesNotContain("A partial run", full, StringComparison.Ordinal);
    }
}
