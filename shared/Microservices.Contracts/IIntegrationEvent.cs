namespace Microservices.Contracts;

/// <summary>
/// What every integration event carries about the stored event it was published from. A contract's name ends in
/// its version (<c>AuthorRenamedV1</c>); a change that breaks readers is a new record (<c>V2</c>), never an edit.
/// Nobody subscribes to this interface itself, so the buses of Microservices.Messaging exclude it from the broker's
/// topology (it gets no exchange of its own); contracts reference no MassTransit.
/// </summary>
public interface IIntegrationEvent
{
    /// <summary>The stored event's id, derived from its stream and version: the same event always has the same id.</summary>
    Guid EventId { get; }

    /// <summary>The event stream, e.g. <c>author-0193…</c>.</summary>
    string StreamId { get; }

    /// <summary>The event's version in its stream: events of one stream are ordered by it, and numbered 1, 2, 3…</summary>
    long StreamVersion { get; }

    DateTimeOffset OccurredAt { get; }
}
