using System.Globalization;
using System.Text;

namespace Microservices.Benchmarks.Harness;

/// <summary>A GitHub markdown table: a header row, the separator (numbers right-aligned) and one line per row.</summary>
public sealed class MarkdownTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public IReadOnlyList<string> Headers { get; } = headers;

    public MarkdownTable Row(params object?[] cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        if (cells.Length != Headers.Count)
        {
            throw new ArgumentException($"A row of this table has {Headers.Count} cells, not {cells.Length}.", nameof(cells));
        }

        _rows.Add([.. cells.Select(Cell)]);
        return this;
    }

    public override string ToString()
    {
        var numeric = Enumerable.Range(0, Headers.Count)
            .Select(i => _rows.Any(r => r[i].Length > 0 && char.IsDigit(r[i][0])) && _rows.All(r => r[i].Length == 0 || char.IsDigit(r[i][0]) || r[i] == "-"))
            .ToArray();
        var text = new StringBuilder();
        text.Append("| ").AppendJoin(" | ", Headers.Select(Escape)).AppendLine(" |");
        text.Append('|').AppendJoin('|', numeric.Select(n => n ? "---:" : "---")).AppendLine("|");
        foreach (var row in _rows)
        {
            text.Append("| ").AppendJoin(" | ", row.Select(Escape)).AppendLine(" |");
        }

        return text.ToString();
    }

    /// <summary>Milliseconds with one decimal, ratios with two, counts as integers with thousands separators.</summary>
    private static string Cell(object? value) => value switch
    {
        null => "-",
        double d when double.IsNaN(d) => "-",
        double d => d.ToString(Math.Abs(d) >= 100 ? "N0" : "0.0#", CultureInfo.InvariantCulture),
        int i => i.ToString("N0", CultureInfo.InvariantCulture),
        long l => l.ToString("N0", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Escape(string cell) => cell.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");

    /// <summary>A ratio as the tables print it: two decimals and an x.</summary>
    public static string Ratio(double ratio) =>
        double.IsFinite(ratio) ? ratio.ToString("0.00", CultureInfo.InvariantCulture) + "x" : "-";
}
