namespace Microservices.Contracts.Catalog;

/// <summary>author.deleted.v1: an author with no books is gone.</summary>
public sealed record AuthorDeletedV1(
    Guid EventId,
    string StreamId,
    long StreamVersion,
    DateTimeOffset OccurredAt,
    string AuthorId) : IIntegrationEvent;
