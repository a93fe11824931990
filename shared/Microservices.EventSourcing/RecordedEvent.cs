namespace Microservices.EventSourcing;

public sealed record RecordedEvent(long Version, string EventType, object Data, DateTimeOffset RecordedAt);
