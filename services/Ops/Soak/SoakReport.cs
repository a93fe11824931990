using System.Text.Json;

namespace Ops.Soak;

/// <summary>What a soak did and found: the JSON it writes and the summary it prints.</summary>
public sealed record SoakReport
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public required int Seed { get; init; }

    public required string Table { get; init; }

    /// <summary>The broker's virtual host the processes used (the soak's own, deleted at the end, unless one was given).</summary>
    public required string VirtualHost { get; init; }

    /// <summary>How the commands arrived: closed loop (a fixed number in flight) or open loop (a fixed rate), and the rate achieved.</summary>
    public required Arrivals Arrivals { get; init; }

    /// <summary>HTTP commands sent, across the three APIs.</summary>
    public required int Commands { get; init; }

    /// <summary>Their answers by outcome: accepted, conflict, not-found, refused, failed.</summary>
    public required IReadOnlyDictionary<string, long> Outcomes { get; init; }

    /// <summary>Answers by command, then outcome.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> ByCommand { get; init; }

    /// <summary>Event items appended, as the stream showed them.</summary>
    public required long Events { get; init; }

    /// <summary>Copy writes the stream showed (genre copies, tombstones, orders' client copies).</summary>
    public required long CopyWrites { get; init; }

    public required int ItemsChecked { get; init; }

    /// <summary>Per invariant: how many things the final check verified.</summary>
    public required IReadOnlyDictionary<string, int> Checked { get; init; }

    /// <summary>Faults injected, by kind.</summary>
    public required IReadOnlyDictionary<string, long> Faults { get; init; }

    /// <summary>
    /// Accepted writes that moved a stream from a version another accepted write had already moved it from, by the
    /// versions the API answered (optimistic concurrency broken): must be 0.
    /// </summary>
    public required int LostUpdates { get; init; }

    /// <summary>Each lost update: the stream, the version it was moved from twice or more, and the versions answered.</summary>
    public required IReadOnlyList<LostUpdate> LostUpdateList { get; init; }

    /// <summary>Accepted writes answered at the version they expected: a change to the value the item had, no event.</summary>
    public required int UnchangedAcceptances { get; init; }

    /// <summary>Versions more than one write was accepted at, at most one of which moved the stream (serialisable: no loss).</summary>
    public required int SharedVersionsWithoutLoss { get; init; }

    /// <summary>Conflict bursts of which more than one command was accepted (the count of lost updates before they were told apart by version).</summary>
    public required int BurstsAcceptedMoreThanOnce { get; init; }

    public required IReadOnlyList<AnomalyEntry> Anomalies { get; init; }

    public required LagSummary Lag { get; init; }

    public required TimeSpan LoadTime { get; init; }

    /// <summary>From the last command's answer until the table and the broker had been quiet for the quiet period.</summary>
    public required TimeSpan SettleTime { get; init; }

    public required bool Settled { get; init; }

    /// <summary>With <c>--migrate</c>: the migrations run during the load, each runner kill, and whether all were applied.</summary>
    public SoakMigrationReport? Migration { get; init; }

    public bool Clean => Settled && LostUpdates == 0 && Anomalies.Count == 0
        && (Migration is null || (Migration.Error is null && Migration.Applied.Count == Microservices.Schema.Migrations.TableMigrations.Catalog.Latest));

    public string ToJson() => JsonSerializer.Serialize(this, Json);
}

/// <summary>Convergence lag over the copied changes that could be followed: from commit to the last copy updated.</summary>
public sealed record LagSummary(int Samples, double P50Milliseconds, double P99Milliseconds, double MaxMilliseconds)
{
    public static LagSummary Of(IReadOnlyList<TimeSpan> lags)
    {
        ArgumentNullException.ThrowIfNull(lags);
        if (lags.Count == 0)
        {
            return new LagSummary(0, 0, 0, 0);
        }

        var sorted = lags.Select(l => l.TotalMilliseconds).Order().ToArray();
        double At(double quantile) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(quantile * sorted.Length) - 1)];
        return new LagSummary(sorted.Length, Math.Round(At(0.50)), Math.Round(At(0.99)), Math.Round(sorted[^1]));
    }
}
