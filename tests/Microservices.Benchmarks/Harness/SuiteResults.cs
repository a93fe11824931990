namespace Microservices.Benchmarks.Harness;

/// <summary>A command on a stream that had <paramref name="Events"/> events, against the raw requests of the same command.</summary>
public sealed record HistoryRow(int Events, Comparison Comparison);

/// <summary>
/// One access pattern of TableSchema: its raw request, what it read and returned, and (where an endpoint serves it)
/// the endpoint through HTTP against that raw request.
/// </summary>
public sealed record PatternRow(string Pattern, string Request, double ReadUnits, int ItemsRead, int ItemsReturned, Summary Raw, string? Endpoint, Comparison? ThroughEndpoint);

/// <summary>Adding the n-th book to one author: from the POST until the book count says n, and the worker's requests.</summary>
public sealed record AggregateRow(int Books, Summary UntilCounted, double WorkerRequestsPerBook, string? Note = null);

/// <summary>
/// Renaming an author with <paramref name="Books"/> books: copies per second end to end (commit to last copy), how long
/// after the commit the first copy was written, the rate from the first copy to the last, and the raw ceiling.
/// </summary>
public sealed record FanOutRow(
    int Books, double CopiesPerSecond, double FirstCopyMilliseconds, double WritingCopiesPerSecond, IReadOnlyDictionary<int, double> RawByConcurrency, string? Note = null)
{
    public int BestConcurrency => RawByConcurrency.MaxBy(p => p.Value).Key;

    public double RawCeiling => RawByConcurrency.Values.Max();

    public double Ratio => CopiesPerSecond / RawCeiling;
}

/// <summary>
/// Copy lag at a fixed arrival rate (a share of the measured command ceiling), read from the soak's report: the rate
/// asked for (<paramref name="CommandsPerSecond"/>) and the rate the soak's arrivals achieved.
/// </summary>
public sealed record LagRow(
    int PercentOfCeiling, double CommandsPerSecond, double? AchievedPerSecond, double? P50Milliseconds, double? P99Milliseconds, string? Note = null);

/// <summary>Records per second through the stream consumer, with a no-op handler.</summary>
public sealed record ConsumerRow(string Source, int Shards, int Records, double RecordsPerSecond);

/// <summary>Everything one run measured; a benchmark that did not run leaves its part empty.</summary>
public sealed class SuiteResults
{
    public List<Comparison> Commands { get; } = [];

    public List<Comparison> Reads { get; } = [];

    public List<HistoryRow> History { get; } = [];

    public List<PatternRow> Patterns { get; } = [];

    public List<AggregateRow> Aggregates { get; } = [];

    public List<FanOutRow> FanOut { get; } = [];

    /// <summary>Commit to copy for single renames with the system otherwise idle (in-memory bus).</summary>
    public Summary? RestLag { get; set; }

    /// <summary>Commands a second of closed-loop soaks (every fault off), by the commands in flight.</summary>
    public Dictionary<int, double> CeilingByConcurrency { get; } = [];

    /// <summary>The command ceiling: the best closed-loop rate; null when none was measured.</summary>
    public double? CommandCeiling => CeilingByConcurrency.Count == 0 ? null : CeilingByConcurrency.Values.Max();

    /// <summary>The commands in flight the ceiling was reached at.</summary>
    public int? CeilingConcurrency => CeilingByConcurrency.Count == 0 ? null : CeilingByConcurrency.MaxBy(p => p.Value).Key;

    public List<LagRow> Lag { get; } = [];

    public List<ConsumerRow> Consumer { get; } = [];

    /// <summary>Why a benchmark was left out or stopped short, by benchmark.</summary>
    public Dictionary<string, string> Skipped { get; } = [];
}

/// <summary>When, where and how a run was made.</summary>
public sealed record RunInfo(DateTimeOffset Date, string Machine, string Command, string Mode, TimeSpan Duration);
