using Microservices.EventSourcing;
using Microservices.SingleTable;

namespace Clients.Domain;

/// <summary>
/// The client for the command runner. Every attribute of the client item is set at every change (its phones removed
/// once it has none), so a new name moves its GSI1 key in the same transaction as the event: the old name finds the
/// client no more the moment the new one does. The item is shaped as the table's migrations ask (its email's GSI2 keys
/// once migration 1 has started).
/// </summary>
public static class ClientsAggregates
{
    public static Aggregate<Client> Clients { get; } = new(
        ClientsEvents.Client,
        Client.None,
        Client.Apply,
        change => [CanonicalWrite.Update(
            change.Table, change.Shaped(ClientsItems.Client(change.After)), change.Stream, change.Before.Version, ClientsItems.ClientOptional)]);
}
