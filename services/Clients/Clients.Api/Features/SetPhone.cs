using Clients.Domain;
using Mediator;
using Microservices.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Clients.Api.Features;

public sealed record SetPhoneBody(string? Number, long? ExpectedVersion);

public sealed record SetPhone(string ClientId, string Type, string Number, long ExpectedVersion) : ICommand<VersionResponse>;

/// <summary>Adds or replaces the number of one type in the client item's Phones map; the same number again decides nothing.</summary>
public sealed class SetPhoneHandler(ClientCommands commands) : ICommandHandler<SetPhone, VersionResponse>
{
    public async ValueTask<VersionResponse> Handle(SetPhone command, CancellationToken cancellationToken) =>
        new(await commands.RunAsync(
            command.ClientId,
            state => Client.SetPhone(state, command.Type, command.Number, command.ExpectedVersion),
            _ => [],
            cancellationToken));
}

public static class SetPhoneEndpoint
{
    public static void MapSetPhone(this IEndpointRouteBuilder app) =>
        app.MapPut("/clients/{clientId}/phones/{type}", async Task<Results<Ok<VersionResponse>, ValidationProblem>> (
                string clientId, string type, SetPhoneBody body, IMediator mediator, CancellationToken cancellationToken) =>
            {
                ClientsRoutes.RequireId(clientId, "Client");
                var validation = new Validation().PhoneType(type).PhoneNumber(body.Number).ExpectedVersion(body.ExpectedVersion);
                if (!validation.IsValid)
                {
                    return TypedResults.ValidationProblem(validation.Errors);
                }

                return TypedResults.Ok(await mediator.Send(
                    new SetPhone(clientId, type, body.Number!, body.ExpectedVersion!.Value), cancellationToken));
            })
            .WithName("SetPhone")
            .WithTags("Phones")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
}
