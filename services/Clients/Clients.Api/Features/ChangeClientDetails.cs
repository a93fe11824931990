using Clients.Domain;
using Mediator;
using Microservices.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Clients.Api.Features;

public sealed record ChangeClientDetailsBody(string? Name, string? Email, long? ExpectedVersion);

public sealed record ChangeClientDetails(string ClientId, string? Name, string? Email, long ExpectedVersion) : ICommand<VersionResponse>;

/// <summary>
/// Name and/or email. The client item is put whole, so a new name moves its GSI1 key in the same transaction as the
/// event: the old name finds the client no more the moment the new one does.
/// </summary>
public sealed class ChangeClientDetailsHandler(ClientCommands commands) : ICommandHandler<ChangeClientDetails, VersionResponse>
{
    public async ValueTask<VersionResponse> Handle(ChangeClientDetails command, CancellationToken cancellationToken) =>
        new(await commands.RunAsync(
            command.ClientId,
            state => Client.ChangeDetails(state, command.Name, command.Email, command.ExpectedVersion),
            _ => [],
            cancellationToken));
}

public static class ChangeClientDetailsEndpoint
{
    public static void MapChangeClientDetails(this IEndpointRouteBuilder app) =>
        app.MapPut("/clients/{clientId}/details", async Task<Results<Ok<VersionResponse>, ValidationProblem>> (
                string clientId, ChangeClientDetailsBody body, IMediator mediator, CancellationToken cancellationToken) =>
            {
                ClientsRoutes.RequireId(clientId, "Client");
                var validation = new Validation()
                    .Require(body.Name is not null || body.Email is not null, "name", "name or email is required.")
                    .ExpectedVersion(body.ExpectedVersion);
                if (body.Name is not null)
                {
                    validation.ClientName(body.Name);
                }

                if (body.Email is not null)
                {
                    validation.Email(body.Email);
                }

                if (!validation.IsValid)
                {
                    return TypedResults.ValidationProblem(validation.Errors);
                }

                return TypedResults.Ok(await mediator.Send(
                    new ChangeClientDetails(clientId, body.Name, body.Email, body.ExpectedVersion!.Value), cancellationToken));
            })
            .WithName("ChangeClientDetails")
            .WithTags("Clients")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
}
