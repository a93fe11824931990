using Amazon.DynamoDBv2.Model;
using Clients.Domain;
using Mediator;
using Microservices.EventSourcing;
using Microservices.Schema;
using Microservices.ServiceDefaults;
using Microservices.SingleTable;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Clients.Api.Features;

public sealed record RemoveAddress(string ClientId, string AddressId, long ExpectedVersion) : ICommand<VersionResponse>;

/// <summary>One transaction: the event, the client item at its next version, and the delete of the address item.</summary>
public sealed class RemoveAddressHandler(ClientCommands commands) : ICommandHandler<RemoveAddress, VersionResponse>
{
    public async ValueTask<VersionResponse> Handle(RemoveAddress command, CancellationToken cancellationToken)
    {
        var key = Keys.Address(command.ClientId, command.AddressId);
        return new(await commands.RunAsync(
            command.ClientId,
            state => Client.RemoveAddress(state, command.AddressId, command.ExpectedVersion),
            _ =>
            [
                new GuardedWrite(
                    new TransactWriteItem
                    {
                        Delete = new Delete
                        {
                            TableName = commands.Table,
                            Key = new() { [Attributes.PK] = new(key.PK), [Attributes.SK] = new(key.SK) },
                            ConditionExpression = "attribute_exists(PK)",
                        },
                    },
                    () => new NotFoundException("Address", command.AddressId)),
            ],
            cancellationToken));
    }
}

public static class RemoveAddressEndpoint
{
    public static void MapRemoveAddress(this IEndpointRouteBuilder app) =>
        app.MapDelete("/clients/{clientId}/addresses/{addressId}", async Task<Results<Ok<VersionResponse>, ValidationProblem>> (
                string clientId, string addressId, string? expectedVersion, IMediator mediator, CancellationToken cancellationToken) =>
            {
                ClientsRoutes.RequireId(clientId, "Client");
                var validation = new Validation();
                var version = validation.ExpectedVersion(expectedVersion);
                if (!validation.IsValid)
                {
                    return TypedResults.ValidationProblem(validation.Errors);
                }

                ClientsRoutes.RequireId(addressId, "Address");
                return TypedResults.Ok(await mediator.Send(new RemoveAddress(clientId, addressId, version!.Value), cancellationToken));
            })
            .WithName("RemoveAddress")
            .WithTags("Addresses")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
}
