namespace Microservices.Contracts.Catalog;

/// <summary>book.genre-changed.v1: a book moved from one genre to another.</summary>
public sealed record BookGenreChangedV1(
    Guid EventId,
    string StreamId,
    long StreamVersion,
    DateTimeOffset OccurredAt,
    string BookId,
    string AuthorId,
    string OldGenre,
    string Genre) : IIntegrationEvent;
