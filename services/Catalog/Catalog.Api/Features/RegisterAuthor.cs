namespace Catalog.Api.Features;

public sealed record RegisterAuthorBody(string? Name) : IValidatable
{
    public void Validate(Validation validation) => validation.AuthorName(Name);
}

public sealed record AuthorRegisteredResponse(string AuthorId, long Version);

public sealed record RegisterAuthor(string Name, IdempotencyKey? Idempotency = null) : ICommand<AuthorRegisteredResponse>, IIdempotentCreate;

/// <summary>One transaction: the author's first event, the author item and, given an Idempotency-Key, the key's completion.</summary>
public sealed class RegisterAuthorHandler(CommandRunner<Author> authors) : ICommandHandler<RegisterAuthor, AuthorRegisteredResponse>
{
    public async ValueTask<AuthorRegisteredResponse> Handle(RegisterAuthor command, CancellationToken cancellationToken) =>
        await authors.Create(state => Author.Register(state, command.Name), null,
            done => new AuthorRegisteredResponse(done.State.AuthorId, done.Version), cancellationToken);
}

public static class RegisterAuthorEndpoint
{
    public static void MapRegisterAuthor(this RouteGroupBuilder authors) =>
        authors.MapPost("", async (RegisterAuthorBody body, IdempotencyKey? idempotency, IMediator mediator, CancellationToken cancellationToken) =>
            {
                var registered = await mediator.Send(new RegisterAuthor(body.Name!, idempotency), cancellationToken);
                return TypedResults.Created($"/authors/{registered.AuthorId}", registered);
            })
            .WithName("RegisterAuthor")
            .RequireStaff()
            .ProducesIdempotencyProblems();
}
