using ScottPlot;

namespace Microservices.Benchmarks.Harness;

/// <summary>The PNG plots of a run (ScottPlot), each beside the table it draws; returns the files written.</summary>
public static class Plots
{
    private const int Width = 1100;
    private const int Height = 560;

    public static IReadOnlyList<string> Write(SuiteResults results, string directory)
    {
        ArgumentNullException.ThrowIfNull(results);
        Directory.CreateDirectory(directory);
        List<string> written = [];
        void Save(Plot plot, string file)
        {
            plot.SavePng(Path.Combine(directory, file), Width, Height);
            written.Add(file);
        }

        var overhead = results.Commands.Concat(results.Reads).ToList();
        if (overhead.Count > 0)
        {
            Save(PairedBars("Command overhead: p50 through HTTP against the same requests raw", "ms (p50)", overhead.Select(c => (c.Case, c.System.P50, c.Raw.P50)).ToList()), "command-overhead.png");
        }

        if (results.History.Count > 0)
        {
            var plot = new Plot();
            var x = results.History.Select(r => Math.Log10(r.Events)).ToArray();
            plot.Add.Scatter(x, results.History.Select(r => r.Comparison.System.P50).ToArray()).LegendText = "rename through HTTP (p50)";
            plot.Add.Scatter(x, results.History.Select(r => r.Comparison.Raw.P50).ToArray()).LegendText = "same requests raw (p50)";
            plot.Axes.Bottom.SetTicks(x, results.History.Select(r => r.Events.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)).ToArray());
            plot.Title("Cost against history");
            plot.XLabel("events in the stream (log scale)");
            plot.YLabel("ms");
            plot.ShowLegend();
            Save(plot, "history.png");
        }

        var counted = results.Aggregates.Where(r => double.IsFinite(r.UntilCounted.P50)).ToList();
        if (counted.Count > 0)
        {
            var plot = new Plot();
            var x = counted.Select(r => Math.Log10(r.Books)).ToArray();
            plot.Add.Scatter(x, counted.Select(r => r.UntilCounted.P50).ToArray()).LegendText = "POST until counted (p50)";
            plot.Axes.Bottom.SetTicks(x, counted.Select(r => r.Books.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)).ToArray());
            plot.Title("Adding the n-th book");
            plot.XLabel("n (log scale)");
            plot.YLabel("ms");
            plot.ShowLegend();
            Save(plot, "aggregates.png");
        }

        if (results.FanOut.Count > 0)
        {
            Save(PairedBars("Fan-out: copies/s of a rename against the raw ceiling", "copies/s", results.FanOut.Select(r => ($"{r.Books:N0} books", r.CopiesPerSecond, r.RawCeiling)).ToList()), "fan-out.png");
        }

        if (results.Consumer.Count > 0)
        {
            var plot = new Plot();
            var bars = plot.Add.Bars(results.Consumer.Select(r => r.RecordsPerSecond).ToArray());
            bars.LegendText = "records/s";
            plot.Axes.Bottom.SetTicks(Enumerable.Range(0, results.Consumer.Count).Select(i => (double)i).ToArray(),
                results.Consumer.Select(r => $"{r.Shards} shard(s), {r.Source}").ToArray());
            plot.Title("The stream consumer");
            plot.YLabel("records/s");
            plot.Axes.Margins(bottom: 0);
            Save(plot, "stream-consumer.png");
        }

        return written;
    }

    private static Plot PairedBars(string title, string unit, IReadOnlyList<(string Label, double System, double Raw)> rows)
    {
        var plot = new Plot();
        var systemBars = rows.Select((r, i) => new Bar { Position = i * 3, Value = r.System, FillColor = Colors.C0 }).ToList();
        var rawBars = rows.Select((r, i) => new Bar { Position = i * 3 + 1, Value = r.Raw, FillColor = Colors.C1 }).ToList();
        plot.Add.Bars(systemBars).LegendText = "system";
        plot.Add.Bars(rawBars).LegendText = "raw SDK";
        plot.Axes.Bottom.SetTicks(rows.Select((_, i) => i * 3 + 0.5).ToArray(), rows.Select(r => r.Label).ToArray());
        plot.Axes.Bottom.TickLabelStyle.Rotation = 45;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        plot.Axes.Bottom.MinimumSize = 160;
        plot.Axes.Margins(bottom: 0);
        plot.Title(title);
        plot.YLabel(unit);
        plot.ShowLegend(Alignment.UpperLeft);
        return plot;
    }
}
