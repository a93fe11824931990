namespace Microservices.Benchmarks.Harness;

/// <summary>The figures of one series of samples (milliseconds, or any unit the caller chose).</summary>
public sealed record Summary(int Count, double P50, double P99, double Mean, double Min, double Max)
{
    public static Summary Of(IEnumerable<double> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var sorted = samples.Order().ToArray();
        if (sorted.Length == 0)
        {
            throw new ArgumentException("A summary needs at least one sample.", nameof(samples));
        }

        return new Summary(
            sorted.Length,
            Percentiles.OfSorted(sorted, 0.50),
            Percentiles.OfSorted(sorted, 0.99),
            sorted.Average(),
            sorted[0],
            sorted[^1]);
    }
}

/// <summary>Percentiles by the nearest-rank method: always one of the samples, never an interpolation between two.</summary>
public static class Percentiles
{
    /// <param name="sorted">Samples in ascending order.</param>
    /// <param name="quantile">0 &lt; quantile &lt;= 1 (0.5 for the median, 0.99 for p99).</param>
    public static double OfSorted(IReadOnlyList<double> sorted, double quantile)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0)
        {
            throw new ArgumentException("No samples.", nameof(sorted));
        }

        if (quantile is <= 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(quantile), quantile, "A quantile is in (0, 1].");
        }

        var rank = (int)Math.Ceiling(quantile * sorted.Count);
        return sorted[Math.Clamp(rank, 1, sorted.Count) - 1];
    }

    public static double Of(IEnumerable<double> samples, double quantile) => OfSorted(samples.Order().ToArray(), quantile);
}
