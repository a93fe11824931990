using Catalog.Domain;
using Mediator;
using Microservices.EventSourcing;
using Microservices.ServiceDefaults;
using Microservices.SingleTable;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Catalog.Api.Features;

public sealed record RegisterAuthorBody(string? Name);

public sealed record AuthorRegisteredResponse(string AuthorId, long Version);

public sealed record RegisterAuthor(string Name, IdempotencyKey? Idempotency = null) : ICommand<AuthorRegisteredResponse>;

/// <summary>One transaction: the author's first event, the author item and, given an Idempotency-Key, the key's item.</summary>
public sealed class RegisterAuthorHandler(EventStore store, IdempotentCreates creates, IOptions<DynamoDbOptions> options)
    : ICommandHandler<RegisterAuthor, AuthorRegisteredResponse>
{
    public async ValueTask<AuthorRegisteredResponse> Handle(RegisterAuthor command, CancellationToken cancellationToken)
    {
        var state = Author.None(Ids.New());
        var events = Author.Register(state, command.Name);
        var registered = events.Aggregate(state, Author.Apply);
        var stream = CatalogEvents.Author(state.AuthorId);
        return await creates.RunAsync(command.Idempotency, new AuthorRegisteredResponse(state.AuthorId, registered.Version), idempotency =>
            store.AppendAsync(stream, state.Version, events,
                [CanonicalWrite.Put(options.Value.TableName, CatalogItems.Author(registered), stream, state.Version), .. idempotency],
                cancellationToken), cancellationToken);
    }
}

public static class RegisterAuthorEndpoint
{
    public static void MapRegisterAuthor(this IEndpointRouteBuilder app) =>
        app.MapPost("/authors", async Task<Results<Created<AuthorRegisteredResponse>, ValidationProblem>> (
                RegisterAuthorBody body, HttpRequest request, IMediator mediator, CancellationToken cancellationToken) =>
            {
                var validation = new Validation().AuthorName(body.Name);
                var idempotency = IdempotencyKey.Read(request, body, validation);
                if (!validation.IsValid)
                {
                    return TypedResults.ValidationProblem(validation.Errors);
                }

                var registered = await mediator.Send(new RegisterAuthor(body.Name!, idempotency), cancellationToken);
                return TypedResults.Created($"/authors/{registered.AuthorId}", registered);
            })
            .WithName("RegisterAuthor")
            .WithTags("Authors")
            .ProducesProblem(StatusCodes.Status409Conflict);
}
