using Microservices.Contracts.Clients;
using Microservices.EventSourcing;

namespace Clients.Domain;

/// <summary>
/// Clients' stored events and the integration contracts other services read: registrations and changes of name or
/// email, each carrying the client's full current name and email. Phones and addresses stay inside the service.
/// </summary>
public sealed class ClientsIntegrationEvents : IIntegrationEventMap
{
    public object? ToContract(StoredEvent stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (!ClientsEvents.Types.Knows(stored.EventType))
        {
            return null; // another service's event in the shared table
        }

        return ClientsEvents.Types.Deserialize(stored.EventType, stored.Data) switch
        {
            ClientRegistered e => new ClientRegisteredV1(stored.EventId, stored.Stream, stored.Version, stored.RecordedAt, e.ClientId, e.Name, e.Email),
            ClientDetailsChanged e => new ClientDetailsChangedV1(stored.EventId, stored.Stream, stored.Version, stored.RecordedAt, e.ClientId, e.Name, e.Email),
            ClientPhoneSet or ClientPhoneRemoved or ClientAddressAdded or ClientAddressRemoved => null,
            var other => throw new InvalidOperationException($"Clients event {other.GetType().Name} has no integration contract."),
        };
    }
}
