namespace Microservices.Contracts.Clients;

public sealed record ClientRegisteredV1(
    Guid EventId,
    string StreamId,
    long StreamVersion,
    DateTimeOffset OccurredAt,
    string ClientId,
    string Name,
    string Email) : IIntegrationEvent;
