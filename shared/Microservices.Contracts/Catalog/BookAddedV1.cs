namespace Microservices.Contracts.Catalog;

public sealed record BookAddedV1(
    Guid EventId,
    string StreamId,
    long StreamVersion,
    DateTimeOffset OccurredAt,
    string BookId,
    string AuthorId,
    string Title,
    string Genre,
    decimal Price) : IIntegrationEvent;
