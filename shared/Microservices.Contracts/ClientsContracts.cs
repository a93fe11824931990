namespace Microservices.Contracts.Clients;

// The Clients service's integration events (see IIntegrationEvent for the first four fields). Phone and address
// events stay inside the service.

/// <summary>client.registered.v1: a new client, with their name and email.</summary>
public sealed record ClientRegisteredV1(Guid EventId, string StreamId, long StreamVersion, DateTimeOffset OccurredAt,
    string ClientId, string Name, string Email) : IIntegrationEvent;

/// <summary>A client's name or email changed; both are given as they are now, so copies can be rewritten whole.</summary>
public sealed record ClientDetailsChangedV1(Guid EventId, string StreamId, long StreamVersion, DateTimeOffset OccurredAt,
    string ClientId, string Name, string Email) : IIntegrationEvent;
