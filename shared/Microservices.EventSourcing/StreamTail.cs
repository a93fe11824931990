namespace Microservices.EventSourcing;

/// <summary>
/// What a command reads of its stream (<see cref="EventStore.ReadTailAsync"/>): the newest snapshot and the version it
/// was taken at, and the events after it in order; with no snapshot (null, version 0), every event of the stream.
/// </summary>
public sealed record StreamTail(string? Snapshot, long SnapshotVersion, IReadOnlyList<RecordedEvent> Events);
