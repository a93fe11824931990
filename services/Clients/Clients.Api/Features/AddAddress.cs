using Amazon.DynamoDBv2.Model;
using Clients.Domain;
using Mediator;
using Microservices.EventSourcing;
using Microservices.ServiceDefaults;
using Microservices.SingleTable;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Clients.Api.Features;

public sealed record AddAddressBody(string? Street, string? City, string? PostalCode, string? Country, long? ExpectedVersion);

public sealed record AddressAddedResponse(string AddressId, long Version);

public sealed record AddAddress(string ClientId, string Street, string City, string PostalCode, string Country, long ExpectedVersion)
    : ICommand<AddressAddedResponse>;

/// <summary>One transaction: the event, the client item at its next version, and the address item in the client's collection.</summary>
public sealed class AddAddressHandler(ClientCommands commands) : ICommandHandler<AddAddress, AddressAddedResponse>
{
    public async ValueTask<AddressAddedResponse> Handle(AddAddress command, CancellationToken cancellationToken)
    {
        var addressId = Ids.New();
        var version = await commands.RunAsync(
            command.ClientId,
            state => Client.AddAddress(state, addressId, command.Street, command.City, command.PostalCode, command.Country, command.ExpectedVersion),
            next =>
            [
                new GuardedWrite(
                    new TransactWriteItem
                    {
                        Put = new Put
                        {
                            TableName = commands.Table,
                            Item = ClientsItems.Address(command.ClientId, next.Addresses.Single(a => a.AddressId == addressId), next.Version),
                            ConditionExpression = "attribute_not_exists(PK)",
                        },
                    },
                    () => new ConflictException($"Address '{addressId}' already exists.")),
            ],
            cancellationToken);
        return new AddressAddedResponse(addressId, version);
    }
}

public static class AddAddressEndpoint
{
    public static void MapAddAddress(this IEndpointRouteBuilder app) =>
        app.MapPost("/clients/{clientId}/addresses", async Task<Results<Created<AddressAddedResponse>, ValidationProblem>> (
                string clientId, AddAddressBody body, IMediator mediator, CancellationToken cancellationToken) =>
            {
                ClientsRoutes.RequireId(clientId, "Client");
                var validation = new Validation()
                    .AddressPart(body.Street, "street")
                    .AddressPart(body.City, "city")
                    .AddressPart(body.PostalCode, "postalCode")
                    .AddressPart(body.Country, "country")
                    .ExpectedVersion(body.ExpectedVersion);
                if (!validation.IsValid)
                {
                    return TypedResults.ValidationProblem(validation.Errors);
                }

                var added = await mediator.Send(
                    new AddAddress(clientId, body.Street!, body.City!, body.PostalCode!, body.Country!, body.ExpectedVersion!.Value),
                    cancellationToken);
                return TypedResults.Created($"/clients/{clientId}", added);
            })
            .WithName("AddAddress")
            .WithTags("Addresses")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
}
