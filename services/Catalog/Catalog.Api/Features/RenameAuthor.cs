using Catalog.Domain;
using Mediator;
using Microservices.EventSourcing;
using Microservices.ServiceDefaults;
using Microservices.SingleTable;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Catalog.Api.Features;

public sealed record RenameAuthorBody(string? Name, long? ExpectedVersion);

public sealed record VersionResponse(long Version);

public sealed record RenameAuthor(string AuthorId, string Name, long ExpectedVersion) : ICommand<VersionResponse>;

public sealed class RenameAuthorHandler(EventStore store, IOptions<DynamoDbOptions> options)
    : ICommandHandler<RenameAuthor, VersionResponse>
{
    public async ValueTask<VersionResponse> Handle(RenameAuthor command, CancellationToken cancellationToken)
    {
        var stream = CatalogEvents.Author(command.AuthorId);
        var state = Author.Fold(command.AuthorId, (await store.ReadAsync(stream, cancellationToken)).Select(e => e.Data));
        var events = Author.Rename(state, command.Name, command.ExpectedVersion);
        var renamed = events.Aggregate(state, Author.Apply);
        var version = await store.AppendAsync(stream, state.Version, events,
            [CanonicalWrite.Put(options.Value.TableName, CatalogItems.Author(renamed), stream, state.Version)],
            cancellationToken);
        return new VersionResponse(version);
    }
}

public static class RenameAuthorEndpoint
{
    public static void MapRenameAuthor(this IEndpointRouteBuilder app) =>
        app.MapPut("/authors/{authorId}/name", async Task<Results<Ok<VersionResponse>, ValidationProblem>> (
                string authorId, RenameAuthorBody body, IMediator mediator, CancellationToken cancellationToken) =>
            {
                CatalogRoutes.RequireId(authorId, "Author");
                var validation = new Validation()
                    .AuthorName(body.Name)
                    .ExpectedVersion(body.ExpectedVersion);
                if (!validation.IsValid)
                {
                    return TypedResults.ValidationProblem(validation.Errors);
                }

                var renamed = await mediator.Send(
                    new RenameAuthor(authorId, body.Name!, body.ExpectedVersion!.Value), cancellationToken);
                return TypedResults.Ok(renamed);
            })
            .WithName("RenameAuthor")
            .WithTags("Authors")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
}
