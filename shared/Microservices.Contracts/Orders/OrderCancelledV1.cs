namespace Microservices.Contracts.Orders;

public sealed record OrderCancelledV1(
    Guid EventId,
    string StreamId,
    long StreamVersion,
    DateTimeOffset OccurredAt,
    string OrderId,
    string ClientId) : IIntegrationEvent;
