using Microsoft.AspNetCore.Mvc;

namespace Clients.Api.Features;

public sealed record RegisterClientBody(string? Name, string? Email, Dictionary<string, string?>? Phones) : IValidatable
{
    public void Validate(Validation validation) => validation.ClientName(Name).Email(Email).Phones(Phones);
}

public sealed record ClientRegisteredResponse(string ClientId, long Version);

public sealed record RegisterClient(string Name, string Email, IReadOnlyDictionary<string, string> Phones, IdempotencyKey? Idempotency = null)
    : ICommand<ClientRegisteredResponse>, IIdempotentCreate;

/// <summary>One transaction: the client's first event, the client item (with its name's GSI1 key) and, given an Idempotency-Key, the key's completion.</summary>
public sealed class RegisterClientHandler(CommandRunner<Client> clients) : ICommandHandler<RegisterClient, ClientRegisteredResponse>
{
    public async ValueTask<ClientRegisteredResponse> Handle(RegisterClient command, CancellationToken cancellationToken) =>
        await clients.Create(state => Client.Register(state, command.Name, command.Email, command.Phones), null,
            done => new ClientRegisteredResponse(done.State.ClientId, done.Version), cancellationToken);
}

public static class RegisterClientEndpoint
{
    public static void MapRegisterClient(this RouteGroupBuilder clients) =>
        clients.MapPost("", async (RegisterClientBody body, IdempotencyKey? idempotency, IMediator mediator, CancellationToken cancellationToken) =>
            {
                var phones = (body.Phones ?? []).ToDictionary(p => p.Key, p => p.Value!, StringComparer.Ordinal);
                var registered = await mediator.Send(new RegisterClient(body.Name!, body.Email!, phones, idempotency), cancellationToken);
                return TypedResults.Created($"/clients/{registered.ClientId}", registered);
            })
            .WithName("RegisterClient")
            .RequireStaff()
            .ProducesIdempotencyProblems();
}
