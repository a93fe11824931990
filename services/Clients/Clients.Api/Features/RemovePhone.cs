using Clients.Domain;
using Mediator;
using Microservices.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Clients.Api.Features;

public sealed record RemovePhone(string ClientId, string Type, long ExpectedVersion) : ICommand<VersionResponse>;

/// <summary>Removes one type's number from the Phones map; a type the client does not have is a 404.</summary>
public sealed class RemovePhoneHandler(ClientCommands commands) : ICommandHandler<RemovePhone, VersionResponse>
{
    public async ValueTask<VersionResponse> Handle(RemovePhone command, CancellationToken cancellationToken) =>
        new(await commands.RunAsync(
            command.ClientId,
            state => Client.RemovePhone(state, command.Type, command.ExpectedVersion),
            _ => [],
            cancellationToken));
}

public static class RemovePhoneEndpoint
{
    public static void MapRemovePhone(this IEndpointRouteBuilder app) =>
        app.MapDelete("/clients/{clientId}/phones/{type}", async Task<Results<Ok<VersionResponse>, ValidationProblem>> (
                string clientId, string type, string? expectedVersion, IMediator mediator, CancellationToken cancellationToken) =>
            {
                ClientsRoutes.RequireId(clientId, "Client");
                var validation = new Validation().PhoneType(type);
                var version = validation.ExpectedVersion(expectedVersion);
                if (!validation.IsValid)
                {
                    return TypedResults.ValidationProblem(validation.Errors);
                }

                return TypedResults.Ok(await mediator.Send(new RemovePhone(clientId, type, version!.Value), cancellationToken));
            })
            .WithName("RemovePhone")
            .WithTags("Phones")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
}
