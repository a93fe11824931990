using Microservices.Contracts.Clients;
using Microservices.EventSourcing;
using Microservices.SingleTable;

namespace Clients.Domain;

/// <summary>A client came to be, with the numbers they gave at once (type -> number; empty when none).</summary>
public sealed record ClientRegistered(string ClientId, string Name, string Email, IReadOnlyDictionary<string, string> Phones);

/// <summary>The client's name and/or email changed; both are given as they are after the change.</summary>
public sealed record ClientDetailsChanged(string ClientId, string Name, string Email);

/// <summary>A number of one type was added or replaced.</summary>
public sealed record ClientPhoneSet(string ClientId, string Type, string Number);

public sealed record ClientPhoneRemoved(string ClientId, string Type);

public sealed record ClientAddressAdded(string ClientId, string AddressId, string Street, string City, string PostalCode, string Country);

public sealed record ClientAddressRemoved(string ClientId, string AddressId);

public static class ClientsEvents
{
    public const string ClientStream = "client";

    /// <summary>
    /// Clients' events. Registrations and changes of name or email are published, each contract carrying the client's
    /// full current name and email; phones and addresses stay inside the service (no contract).
    /// </summary>
    public static EventTypeMap Types { get; } = new EventTypeMap()
        .Add<ClientRegistered>("client.registered.v1", (e, at) => new ClientRegisteredV1(
            at.EventId, at.StreamId, at.Version, at.RecordedAt, e.ClientId, e.Name, e.Email))
        .Add<ClientDetailsChanged>("client.details-changed.v1", (e, at) => new ClientDetailsChangedV1(
            at.EventId, at.StreamId, at.Version, at.RecordedAt, e.ClientId, e.Name, e.Email))
        .Add<ClientPhoneSet>("client.phone-set.v1")
        .Add<ClientPhoneRemoved>("client.phone-removed.v1")
        .Add<ClientAddressAdded>("client.address-added.v1")
        .Add<ClientAddressRemoved>("client.address-removed.v1");

    public static StreamName Client(string clientId) => new(ClientStream, clientId);
}
