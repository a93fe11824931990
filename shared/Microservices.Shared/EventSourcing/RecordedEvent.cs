namespace Microservices.Shared.EventSourcing;

public sealed record RecordedEvent(long Version, string EventType, object Data, DateTimeOffset RecordedAt);
