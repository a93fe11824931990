namespace Microservices.Contracts.Catalog;

/// <summary>book.price-changed.v1: a book's new price.</summary>
public sealed record BookPriceChangedV1(
    Guid EventId,
    string StreamId,
    long StreamVersion,
    DateTimeOffset OccurredAt,
    string BookId,
    string AuthorId,
    decimal Price) : IIntegrationEvent;
