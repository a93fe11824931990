using Microservices.EventSourcing;
using Microservices.SingleTable;

namespace Clients.Domain;

/// <summary>
/// The client for the command runner. The client item is put whole at every change, so a new name moves its GSI1 key
/// in the same transaction as the event: the old name finds the client no more the moment the new one does.
/// </summary>
public static class ClientsAggregates
{
    public static Aggregate<Client> Clients { get; } = new(
        ClientsEvents.Client,
        Client.None,
        Client.Apply,
        change => [CanonicalWrite.Put(change.Table, ClientsItems.Client(change.After), change.Stream, change.Before.Version)]);
}
