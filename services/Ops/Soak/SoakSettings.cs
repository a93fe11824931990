using Microservices.SingleTable;

namespace Ops.Soak;

/// <summary>What a soak runs: how many commands, from which seed, how hard it faults the system.</summary>
public sealed record SoakSettings
{
    /// <summary>A fresh table (and lease table) the soak creates for itself, on the endpoint given.</summary>
    public required DynamoDbOptions Tables { get; init; }

    /// <summary>
    /// The broker. With no virtual host the soak creates one of its own named after the run, points every process at
    /// it and deletes it at the end; with one, it uses that one as it is and leaves it.
    /// </summary>
    public required Broker Broker { get; init; }

    /// <summary>HTTP commands to send in all, across the three APIs.</summary>
    public int Commands { get; init; } = 2_000;

    /// <summary>Seeds the workload (which commands, on which items) and every fault schedule.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Commands in flight at once (closed loop), when no <see cref="Rate"/> is set.</summary>
    public int Concurrency { get; init; } = 8;

    /// <summary>Commands a second at a fixed arrival rate (open loop), instead of a fixed <see cref="Concurrency"/>.</summary>
    public double? Rate { get; init; }

    /// <summary>
    /// With a <see cref="Rate"/>: how long the open loop runs before the measured arrivals, then waits for quiet. Its
    /// commands are checked like every other, but their lag is not counted: fresh processes spend their first minute
    /// compiling.
    /// </summary>
    public TimeSpan WarmUp { get; init; } = TimeSpan.Zero;

    /// <summary>The most commands an open loop leaves unanswered before an arrival waits for an answer.</summary>
    public int MaxInFlight { get; init; } = 1_000;

    /// <summary>The fraction of every process's DynamoDB requests answered with throttling or a 500.</summary>
    public double DynamoDbFaultRate { get; init; } = 0.05;

    /// <summary>The fraction of messages the workers receive twice.</summary>
    public double DuplicateRate { get; init; } = 0.1;

    /// <summary>The fraction of messages the workers hold back, so that later ones overtake them.</summary>
    public double DelayRate { get; init; } = 0.1;

    /// <summary>How many times a worker or the relay is SIGKILLed and started again.</summary>
    public int Kills { get; init; } = 3;

    /// <summary>How many times every broker connection is dropped.</summary>
    public int ConnectionDrops { get; init; } = 3;

    /// <summary>How long the table must stay unchanged, with the broker idle, before the system counts as settled.</summary>
    public TimeSpan QuietPeriod { get; init; } = TimeSpan.FromSeconds(8);

    /// <summary>The longest the soak waits to settle after the last command before it checks anyway.</summary>
    public TimeSpan SettleTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Whether to run every migration (<c>ops migrate up</c>) while the commands flow, SIGKILLing the runner once in
    /// each migration's backfill and starting it again (<see cref="SoakMigration"/>).
    /// </summary>
    public bool Migrate { get; init; }

    /// <summary>Where logs, fault counts and the reports go.</summary>
    public string WorkDirectory { get; init; } = "soak";
}
