namespace Microservices.Contracts.Clients;

/// <summary>A client's name or email changed; both are given as they are now, so copies can be rewritten whole.</summary>
public sealed record ClientDetailsChangedV1(
    Guid EventId,
    string StreamId,
    long StreamVersion,
    DateTimeOffset OccurredAt,
    string ClientId,
    string Name,
    string Email) : IIntegrationEvent;
