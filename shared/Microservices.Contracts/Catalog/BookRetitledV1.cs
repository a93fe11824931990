namespace Microservices.Contracts.Catalog;

/// <summary>book.retitled.v1: a book's new title (its sort key in the author's partition).</summary>
public sealed record BookRetitledV1(
    Guid EventId,
    string StreamId,
    long StreamVersion,
    DateTimeOffset OccurredAt,
    string BookId,
    string AuthorId,
    string OldTitle,
    string Title) : IIntegrationEvent;
