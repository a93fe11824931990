namespace Clients.Api.Features;

public sealed record AddAddressBody(string? Street, string? City, string? PostalCode, string? Country, long? ExpectedVersion) : IValidatable
{
    public void Validate(Validation validation) =>
        validation
            .AddressPart(Street, "street")
            .AddressPart(City, "city")
            .AddressPart(PostalCode, "postalCode")
            .AddressPart(Country, "country")
            .ExpectedVersion(ExpectedVersion);
}

public sealed record AddressAddedResponse(string AddressId, long Version);

public sealed record AddAddress(string ClientId, string Street, string City, string PostalCode, string Country, long ExpectedVersion, Caller Caller)
    : ICommand<AddressAddedResponse>;

public sealed record RemoveAddress(string ClientId, string AddressId, long ExpectedVersion, Caller Caller) : ICommand<VersionResponse>;

/// <summary>
/// Addresses are items of their own in the client's collection: one transaction of the event, the client item at its
/// next version, and the put of the new address item or the delete of the removed one.
/// </summary>
public sealed class AddressHandler(CommandRunner<Client> clients)
    : ICommandHandler<AddAddress, AddressAddedResponse>, ICommandHandler<RemoveAddress, VersionResponse>
{
    public async ValueTask<AddressAddedResponse> Handle(AddAddress command, CancellationToken cancellationToken)
    {
        var addressId = Ids.New();
        var done = await clients.Run(
            command.ClientId,
            state => Client.AddAddress(command.Caller.Own(state), addressId, command.Street, command.City, command.PostalCode, command.Country, command.ExpectedVersion),
            change =>
            [
                GuardedWrite.PutNew(change.Table,
                    ClientsItems.Address(command.ClientId, change.After.Addresses.Single(a => a.AddressId == addressId), change.After.Version),
                    () => new ConflictException($"Address '{addressId}' already exists.")),
            ],
            cancellationToken);
        return new AddressAddedResponse(addressId, done.Version);
    }

    public async ValueTask<VersionResponse> Handle(RemoveAddress command, CancellationToken cancellationToken)
    {
        var key = Keys.Address(command.ClientId, command.AddressId);
        var done = await clients.Run(
            command.ClientId,
            state => Client.RemoveAddress(command.Caller.Own(state), command.AddressId, command.ExpectedVersion),
            change =>
            [
                new GuardedWrite(
                    new TransactWriteItem
                    {
                        Delete = new Delete
                        {
                            TableName = change.Table,
                            Key = new() { [Attributes.PK] = new(key.PK), [Attributes.SK] = new(key.SK) },
                            ConditionExpression = "attribute_exists(PK)",
                        },
                    },
                    () => new NotFoundException("Address", command.AddressId)),
            ],
            cancellationToken);
        return new VersionResponse(done.Version);
    }
}

public static class AddressEndpoints
{
    public static void MapAddAddress(this RouteGroupBuilder addresses) =>
        addresses.MapPost("", async (string clientId, AddAddressBody body, Caller caller, IMediator mediator, CancellationToken cancellationToken) =>
            {
                var added = await mediator.Send(
                    new AddAddress(Ids.Require(clientId, "Client"), body.Street!, body.City!, body.PostalCode!, body.Country!, body.ExpectedVersion!.Value, caller),
                    cancellationToken);
                return TypedResults.Created($"/clients/{clientId}", added);
            })
            .WithName("AddAddress")
            .ProducesCommandProblems();

    public static void MapRemoveAddress(this RouteGroupBuilder addresses) =>
        addresses.MapDelete("/{addressId}", async (string clientId, string addressId, [AsParameters] ExpectedVersionQuery query, Caller caller, IMediator mediator, CancellationToken cancellationToken) =>
                TypedResults.Ok(await mediator.Send(
                    new RemoveAddress(Ids.Require(clientId, "Client"), Ids.Require(addressId, "Address"), query.Version, caller), cancellationToken)))
            .WithName("RemoveAddress")
            .ProducesCommandProblems();
}
