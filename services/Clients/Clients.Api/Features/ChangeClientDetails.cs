namespace Clients.Api.Features;

public sealed record ChangeClientDetailsBody(string? Name, string? Email, long? ExpectedVersion) : IValidatable
{
    public void Validate(Validation validation)
    {
        ArgumentNullException.ThrowIfNull(validation);
        validation
            .Require(Name is not null || Email is not null, "name", "name or email is required.")
            .ExpectedVersion(ExpectedVersion);
        if (Name is not null)
        {
            validation.ClientName(Name);
        }

        if (Email is not null)
        {
            validation.Email(Email);
        }
    }
}

public sealed record ChangeClientDetails(string ClientId, string? Name, string? Email, long ExpectedVersion, Caller Caller) : ICommand<VersionResponse>;

public sealed record SetPhoneBody(string? Number, long? ExpectedVersion) : IValidatable
{
    public void Validate(Validation validation) => validation.PhoneNumber(Number).ExpectedVersion(ExpectedVersion);
}

public sealed record SetPhone(string ClientId, string Type, string Number, long ExpectedVersion, Caller Caller) : ICommand<VersionResponse>, IValidatable
{
    public void Validate(Validation validation) => validation.PhoneType(Type);
}

public sealed record RemovePhone(string ClientId, string Type, long ExpectedVersion, Caller Caller) : ICommand<VersionResponse>, IValidatable
{
    public void Validate(Validation validation) => validation.PhoneType(Type);
}

/// <summary>
/// The changes of a client that write nothing but the event and the client item, put whole: new details (a new name
/// moves the item's GSI1 key in the same transaction), a number set or replaced (the same number again decides
/// nothing), a number removed (a type the client does not have is a 404).
/// </summary>
public sealed class ChangeClientHandler(CommandRunner<Client> clients)
    : ICommandHandler<ChangeClientDetails, VersionResponse>, ICommandHandler<SetPhone, VersionResponse>, ICommandHandler<RemovePhone, VersionResponse>
{
    public async ValueTask<VersionResponse> Handle(ChangeClientDetails command, CancellationToken cancellationToken) =>
        await clients.Run(command.ClientId, state => Client.ChangeDetails(command.Caller.Own(state), command.Name, command.Email, command.ExpectedVersion), cancellationToken);

    public async ValueTask<VersionResponse> Handle(SetPhone command, CancellationToken cancellationToken) =>
        await clients.Run(command.ClientId, state => Client.SetPhone(command.Caller.Own(state), command.Type, command.Number, command.ExpectedVersion), cancellationToken);

    public async ValueTask<VersionResponse> Handle(RemovePhone command, CancellationToken cancellationToken) =>
        await clients.Run(command.ClientId, state => Client.RemovePhone(command.Caller.Own(state), command.Type, command.ExpectedVersion), cancellationToken);
}

public static class ChangeClientEndpoints
{
    public static void MapChangeClientDetails(this RouteGroupBuilder clients) =>
        clients.MapPut("/{clientId}/details", async (string clientId, ChangeClientDetailsBody body, Caller caller, IMediator mediator, CancellationToken cancellationToken) =>
                TypedResults.Ok(await mediator.Send(
                    new ChangeClientDetails(Ids.Require(clientId, "Client"), body.Name, body.Email, body.ExpectedVersion!.Value, caller), cancellationToken)))
            .WithName("ChangeClientDetails")
            .ProducesCommandProblems();

    public static void MapSetPhone(this RouteGroupBuilder phones) =>
        phones.MapPut("/{type}", async (string clientId, string type, SetPhoneBody body, Caller caller, IMediator mediator, CancellationToken cancellationToken) =>
                TypedResults.Ok(await mediator.Send(
                    new SetPhone(Ids.Require(clientId, "Client"), type, body.Number!, body.ExpectedVersion!.Value, caller), cancellationToken)))
            .WithName("SetPhone")
            .ProducesCommandProblems();

    public static void MapRemovePhone(this RouteGroupBuilder phones) =>
        phones.MapDelete("/{type}", async (string clientId, string type, [AsParameters] ExpectedVersionQuery query, Caller caller, IMediator mediator, CancellationToken cancellationToken) =>
                TypedResults.Ok(await mediator.Send(new RemovePhone(Ids.Require(clientId, "Client"), type, query.Version, caller), cancellationToken)))
            .WithName("RemovePhone")
            .ProducesCommandProblems();
}
