using Clients.Domain;
using Microservices.EventSourcing;
using Microservices.SingleTable;
using Microsoft.Extensions.Options;

namespace Clients.Api;

/// <summary>
/// How every command on an existing client runs: fold the client's events, decide, and append the new events with
/// the client item (conditioned on the version the command loaded) and the command's own item writes, all in one
/// TransactWriteItems.
/// </summary>
public sealed class ClientCommands(EventStore store, IOptions<DynamoDbOptions> options)
{
    public string Table => options.Value.TableName;

    public async Task<long> RunAsync(
        string clientId,
        Func<Client, IReadOnlyList<object>> decide,
        Func<Client, IReadOnlyList<GuardedWrite>> alongside,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decide);
        ArgumentNullException.ThrowIfNull(alongside);
        var stream = ClientsEvents.Client(clientId);
        var state = Client.Fold(clientId, (await store.ReadAsync(stream, cancellationToken)).Select(e => e.Data));
        var events = decide(state);
        var next = events.Aggregate(state, Client.Apply);
        return await store.AppendAsync(stream, state.Version, events,
            [CanonicalWrite.Put(Table, ClientsItems.Client(next), stream, state.Version), .. alongside(next)],
            cancellationToken);
    }
}
