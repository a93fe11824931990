namespace Clients.Api.Features;

public sealed record AddressView(string AddressId, string Street, string City, string PostalCode, string Country)
{
    public static AddressView From(Address address) =>
        new(address.AddressId, address.Street, address.City, address.PostalCode, address.Country);
}

public sealed record ClientView(
    string ClientId, string Name, string Email, IReadOnlyDictionary<string, string> Phones, long Version, IReadOnlyList<AddressView> Addresses);

public sealed record GetClient(string ClientId, Caller Caller) : IQuery<ClientView>;

/// <summary>
/// The client's item collection in one Query: the client item with its numbers and every address item. Addresses are
/// bounded (<see cref="Client.MaxAddresses"/>), so the collection is far below a 1 MB page.
/// </summary>
public sealed class GetClientHandler(IAmazonDynamoDB dynamo, IOptions<DynamoDbOptions> options) : IQueryHandler<GetClient, ClientView>
{
    public async ValueTask<ClientView> Handle(GetClient query, CancellationToken cancellationToken)
    {
        Client? client = null;
        var addresses = new List<AddressView>();
        var collection = dynamo.QueryAllAsync(new QueryRequest
        {
            TableName = options.Value.TableName,
            KeyConditionExpression = "PK = :pk",
            ExpressionAttributeValues = new() { [":pk"] = new(Keys.ClientPartition(query.ClientId)) },
            ConsistentRead = true,
        }, cancellationToken);
        await foreach (var item in collection)
        {
            switch (item[Attributes.ItemType].S)
            {
                case ItemTypes.Client:
                    client = ClientsItems.ReadClient(item);
                    break;
                case ItemTypes.Address:
                    addresses.Add(AddressView.From(ClientsItems.ReadAddress(item)));
                    break;
            }
        }

        query.Caller.RequireOwner(client?.ClientId, "Client", query.ClientId);
        return client is null
            ? throw new NotFoundException("Client", query.ClientId)
            : new ClientView(client.ClientId, client.Name, client.Email, client.Phones, client.Version, addresses);
    }
}

public static class GetClientEndpoint
{
    public static void MapGetClient(this RouteGroupBuilder clients) =>
        clients.MapGet("/{clientId}", async (string clientId, Caller caller, IMediator mediator, CancellationToken cancellationToken) =>
                TypedResults.Ok(await mediator.Send(new GetClient(Ids.Require(clientId, "Client"), caller), cancellationToken)))
            .WithName("GetClient")
            .ProducesProblem(StatusCodes.Status404NotFound);
}
