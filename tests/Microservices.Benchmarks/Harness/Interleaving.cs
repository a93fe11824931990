using System.Diagnostics;

namespace Microservices.Benchmarks.Harness;

/// <summary>Which of the two sides a sample measures.</summary>
public enum Side
{
    System,
    Raw,
}

/// <summary>One step of an interleaved run: the pair it belongs to, and the side it measures.</summary>
public readonly record struct Step(int Pair, Side Side);

/// <summary>Samples of the system and of its raw-SDK baseline from the same run, each with its summary.</summary>
public sealed record Comparison(string Case, Summary System, Summary Raw)
{
    public double P50Ratio => System.P50 / Raw.P50;

    public double P99Ratio => System.P99 / Raw.P99;
}

/// <summary>
/// Interleaves the two sides sample by sample (system, raw, system, raw...), so that a server that warms up, a
/// neighbour that takes the CPU or a table that grows weighs on both sides alike. The raw sample of a pair always
/// follows its system sample: the raw side may repeat the very requests the system just sent.
/// </summary>
public static class Interleaving
{
    public static IEnumerable<Step> Order(int pairs)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pairs);
        for (var pair = 0; pair < pairs; pair++)
        {
            yield return new Step(pair, Side.System);
            yield return new Step(pair, Side.Raw);
        }
    }

    /// <summary>
    /// Runs <paramref name="pairs"/> pairs in <see cref="Order"/>: <paramref name="setup"/> (not timed) before each
    /// pair, then each side timed on its own. Returns the milliseconds of each side, in pair order.
    /// </summary>
    public static async Task<(List<double> System, List<double> Raw)> RunAsync(
        int pairs,
        Func<int, Task> setup,
        Func<int, Task> system,
        Func<int, Task> raw)
    {
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(raw);
        List<double> systemTimes = new(pairs);
        List<double> rawTimes = new(pairs);
        foreach (var step in Order(pairs))
        {
            if (step.Side == Side.System)
            {
                await setup(step.Pair);
            }

            var started = Stopwatch.GetTimestamp();
            await (step.Side == Side.System ? system : raw)(step.Pair);
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            (step.Side == Side.System ? systemTimes : rawTimes).Add(elapsed);
        }

        return (systemTimes, rawTimes);
    }
}
