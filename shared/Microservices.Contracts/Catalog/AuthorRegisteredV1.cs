namespace Microservices.Contracts.Catalog;

public sealed record AuthorRegisteredV1(
    Guid EventId,
    string StreamId,
    long StreamVersion,
    DateTimeOffset OccurredAt,
    string AuthorId,
    string Name) : IIntegrationEvent;
