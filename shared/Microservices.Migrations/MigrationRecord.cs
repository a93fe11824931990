using Amazon.DynamoDBv2.Model;

namespace Microservices.Migrations;

/// <summary>Where a migration stands on a table.</summary>
public enum MigrationState
{
    /// <summary>A run (up or down) started and has not ended: the services write both shapes.</summary>
    InProgress,

    /// <summary>Applied and proved: the new shape only.</summary>
    Applied,

    /// <summary>A run ended with an error; both shapes may be present, and the next run resumes it.</summary>
    Failed,

    /// <summary>Taken down again: the old shape only, as before it ran.</summary>
    Reverted,
}

/// <summary>Which way a run goes.</summary>
public enum MigrationDirection
{
    Up,
    Down,
}

/// <summary>
/// A migration's history item on one table, in the lease table: its state, which way and how far its latest run
/// went (the phase, and per scan segment the key it checkpointed, or done), who ran it, when, how many items it
/// visited and changed, and the error of a failed run.
/// </summary>
public sealed record MigrationRecord(
    int Version,
    string Name,
    MigrationState State,
    MigrationDirection Direction,
    string Phase,
    string? Owner,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    long Visited,
    long Changed,
    int Segments,
    IReadOnlyDictionary<int, Dictionary<string, AttributeValue>> Checkpoints,
    IReadOnlySet<int> SegmentsDone,
    string? Error);

/// <summary>The phases of a run, in order, as the history item names them.</summary>
public static class MigrationPhases
{
    public const string Expand = "expand";
    public const string Backfill = "backfill";
    public const string Prove = "prove";
    public const string Contract = "contract";
    public const string Retract = "retract";
    public const string Done = "done";
}
