namespace Microservices.Benchmarks.Suite;

/// <summary>The sizes of one run: <see cref="Quick"/> for a few minutes, <see cref="Full"/> for the figures to keep.</summary>
public sealed record SuiteSettings(
    string Mode,
    int WarmupPairs,
    int Pairs,
    int[] HistorySizes,
    int HistoryPairs,
    int[] AggregateSizes,
    int AggregateSamples,
    int[] FanOutSizes,
    int FanOutRounds,
    int[] CeilingConcurrencies,
    int CeilingCommands,
    int[] LagPercents,
    int LagMinCommands,
    int LagCommands,
    TimeSpan LagDuration,
    TimeSpan LagWarmUp,
    int ConsumerRecords,
    int CapacitySamples,
    TimeSpan SettleTimeout)
{
    public static SuiteSettings Quick { get; } = new(
        "quick", WarmupPairs: 15, Pairs: 40, HistorySizes: [1, 100, 1_000], HistoryPairs: 20, AggregateSizes: [1, 50, 200],
        AggregateSamples: 3, FanOutSizes: [200, 1_000], FanOutRounds: 1,
        CeilingConcurrencies: [4, 8, 16], CeilingCommands: 300, LagPercents: [10, 25, 50, 75],
        LagMinCommands: 40, LagCommands: 400, LagDuration: TimeSpan.FromSeconds(45), LagWarmUp: TimeSpan.FromSeconds(20),
        ConsumerRecords: 3_000, CapacitySamples: 2, SettleTimeout: TimeSpan.FromMinutes(2));

    public static SuiteSettings Full { get; } = new(
        "full", WarmupPairs: 60, Pairs: 200, HistorySizes: [1, 100, 1_000, 10_000], HistoryPairs: 60, AggregateSizes: [1, 100, 1_000, 5_000],
        AggregateSamples: 5, FanOutSizes: [1_000, 10_000], FanOutRounds: 3,
        CeilingConcurrencies: [4, 8, 16], CeilingCommands: 3_000, LagPercents: [10, 25, 50, 75],
        LagMinCommands: 300, LagCommands: 2_000, LagDuration: TimeSpan.FromMinutes(3), LagWarmUp: TimeSpan.FromMinutes(1),
        ConsumerRecords: 20_000, CapacitySamples: 5, SettleTimeout: TimeSpan.FromMinutes(10));

    /// <summary>
    /// The commands of an open-loop run at <paramref name="rate"/> a second: what arrives in <see cref="LagDuration"/>,
    /// but at least <see cref="LagMinCommands"/> (enough lag samples) and at most <see cref="LagCommands"/>. A slow
    /// machine's low ceiling then makes shorter runs, not runs of many minutes.
    /// </summary>
    public int OpenLoopCommands(double rate) =>
        Math.Clamp((int)Math.Round(rate * LagDuration.TotalSeconds), LagMinCommands, LagCommands);
}
