namespace Microservices.Contracts.Orders;

/// <summary>One ordered line: the book and its title and price when ordered.</summary>
public sealed record OrderLineV1(int LineNo, string BookId, string AuthorId, string Title, decimal Price, int Quantity);

public sealed record OrderPlacedV1(
    Guid EventId,
    string StreamId,
    long StreamVersion,
    DateTimeOffset OccurredAt,
    string OrderId,
    string ClientId,
    IReadOnlyList<OrderLineV1> Lines,
    decimal Total,
    DateTimeOffset PlacedAt) : IIntegrationEvent;
