namespace Microservices.Contracts.Orders;

public sealed record OrderPaidV1(
    Guid EventId,
    string StreamId,
    long StreamVersion,
    DateTimeOffset OccurredAt,
    string OrderId,
    string ClientId) : IIntegrationEvent;
