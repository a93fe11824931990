namespace Microservices.Contracts.Orders;

// The Orders service's integration events (see IIntegrationEvent for the first four fields).

/// <summary>One ordered line: the book and its title and price when ordered.</summary>
public sealed record OrderLineV1(int LineNo, string BookId, string AuthorId, string Title, decimal Price, int Quantity);

/// <summary>order.placed.v1: a new order with its lines, as they were priced.</summary>
public sealed record OrderPlacedV1(Guid EventId, string StreamId, long StreamVersion, DateTimeOffset OccurredAt,
    string OrderId, string ClientId, IReadOnlyList<OrderLineV1> Lines, decimal Total, DateTimeOffset PlacedAt) : IIntegrationEvent;

/// <summary>order.paid.v1.</summary>
public sealed record OrderPaidV1(Guid EventId, string StreamId, long StreamVersion, DateTimeOffset OccurredAt,
    string OrderId, string ClientId) : IIntegrationEvent;

/// <summary>order.shipped.v1.</summary>
public sealed record OrderShippedV1(Guid EventId, string StreamId, long StreamVersion, DateTimeOffset OccurredAt,
    string OrderId, string ClientId) : IIntegrationEvent;

/// <summary>order.cancelled.v1: the order no longer counts in its client's stats or its books' units sold.</summary>
public sealed record OrderCancelledV1(Guid EventId, string StreamId, long StreamVersion, DateTimeOffset OccurredAt,
    string OrderId, string ClientId) : IIntegrationEvent;
