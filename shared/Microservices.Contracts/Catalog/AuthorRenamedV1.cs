namespace Microservices.Contracts.Catalog;

public sealed record AuthorRenamedV1(
    Guid EventId,
    string StreamId,
    long StreamVersion,
    DateTimeOffset OccurredAt,
    string AuthorId,
    string Name) : IIntegrationEvent;
