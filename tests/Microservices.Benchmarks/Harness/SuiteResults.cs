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

/// <summary>
/// The capacity units of one command kind, a mean over its samples: the command's own reads (table and index) and
/// writes (the table, its indexes), what the workers read and wrote for it, and the relay's checkpoints in the lease
/// table beyond its renewals at rest.
/// </summary>
public sealed record CapacityRow(
    string Command,
    int Samples,
    double CommandReadUnits,
    double CommandWriteUnits,
    double CommandIndexWriteUnits,
    double WorkerReadUnits,
    double WorkerWriteUnits,
    double WorkerIndexWriteUnits,
    double CheckpointUnits)
{
    public double WriteUnits => CommandWriteUnits + CommandIndexWriteUnits + WorkerWriteUnits + WorkerIndexWriteUnits;

    public double ReadUnits => CommandReadUnits + WorkerReadUnits;

    public CapacityRow Plus(CapacityRow other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return this with
        {
            Samples = Samples + other.Samples,
            CommandReadUnits = CommandReadUnits + other.CommandReadUnits,
            CommandWriteUnits = CommandWriteUnits + other.CommandWriteUnits,
            CommandIndexWriteUnits = CommandIndexWriteUnits + other.CommandIndexWriteUnits,
            WorkerReadUnits = WorkerReadUnits + other.WorkerReadUnits,
            WorkerWriteUnits = WorkerWriteUnits + other.WorkerWriteUnits,
            WorkerIndexWriteUnits = WorkerIndexWriteUnits + other.WorkerIndexWriteUnits,
            CheckpointUnits = CheckpointUnits + other.CheckpointUnits,
        };
    }

    public CapacityRow Mean() => Samples == 0 ? this : this with
    {
        CommandReadUnits = CommandReadUnits / Samples,
        CommandWriteUnits = CommandWriteUnits / Samples,
        CommandIndexWriteUnits = CommandIndexWriteUnits / Samples,
        WorkerReadUnits = WorkerReadUnits / Samples,
        WorkerWriteUnits = WorkerWriteUnits / Samples,
        WorkerIndexWriteUnits = WorkerIndexWriteUnits / Samples,
        CheckpointUnits = CheckpointUnits / Samples,
    };
}

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

    public List<CapacityRow> Capacity { get; } = [];

    /// <summary>
    /// After benchmark 8, the items in the ordering client's partition under its orders (orders and lines), and the
    /// sales of the book every order buys: what the order aggregates are recomputed from.
    /// </summary>
    public (int ClientOrderItems, int BookSales)? CapacityOrderHistory { get; set; }

    /// <summary>The lease table's units a second with nothing to read (lease renewals); null when not measured.</summary>
    public double? LeaseUnitsPerSecondAtRest { get; set; }

    /// <summary>Why a benchmark was left out or stopped short, by benchmark.</summary>
    public Dictionary<string, string> Skipped { get; } = [];
}

/// <summary>When, where and how a run was made.</summary>
public sealed record RunInfo(DateTimeOffset Date, string Machine, string Command, string Mode, TimeSpan Duration);
