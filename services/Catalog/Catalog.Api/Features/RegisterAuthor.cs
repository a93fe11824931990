using Catalog.Domain;
using Mediator;
using Microservices.Shared.Dynamo;
using Microservices.Shared.EventSourcing;
using Microservices.Shared.Web;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Catalog.Api.Features;

public sealed record RegisterAuthorBody(string? Name);

public sealed record AuthorRegisteredResponse(string AuthorId, long Version);

public sealed record RegisterAuthor(string Name) : ICommand<AuthorRegisteredResponse>;

public sealed class RegisterAuthorHandler(EventStore store, IOptions<DynamoDbOptions> options)
    : ICommandHandler<RegisterAuthor, AuthorRegisteredResponse>
{
    public async ValueTask<AuthorRegisteredResponse> Handle(RegisterAuthor command, CancellationToken cancellationToken)
    {
        var state = Author.None(Ids.New());
        var events = Author.Register(state, command.Name);
        var registered = events.Aggregate(state, Author.Apply);
        var stream = CatalogEvents.Author(state.AuthorId);
        var version = await store.AppendAsync(stream, state.Version, events,
            [CanonicalWrite.Put(options.Value.TableName, CatalogItems.Author(registered), stream, state.Version)],
            cancellationToken);
        return new AuthorRegisteredResponse(state.AuthorId, version);
    }
}

public static class RegisterAuthorEndpoint
{
    public static void MapRegisterAuthor(this IEndpointRouteBuilder app) =>
        app.MapPost("/authors", async Task<Results<Created<AuthorRegisteredResponse>, ValidationProblem>> (
                RegisterAuthorBody body, IMediator mediator, CancellationToken cancellationToken) =>
            {
                var validation = new Validation().AuthorName(body.Name);
                if (!validation.IsValid)
                {
                    return TypedResults.ValidationProblem(validation.Errors);
                }

                var registered = await mediator.Send(new RegisterAuthor(body.Name!), cancellationToken);
                return TypedResults.Created($"/authors/{registered.AuthorId}", registered);
            })
            .WithName("RegisterAuthor")
            .WithTags("Authors");
}
