namespace Microservices.Contracts.Catalog;

/// <summary>book.deleted.v1: a book is gone; StreamVersion is the version that deleted it.</summary>
public sealed record BookDeletedV1(
    Guid EventId,
    string StreamId,
    long StreamVersion,
    DateTimeOffset OccurredAt,
    string BookId,
    string AuthorId,
    string Title,
    string Genre) : IIntegrationEvent;
