using Catalog.Domain;
using Mediator;
using Microservices.EventSourcing;
using Microservices.ServiceDefaults;
using Microservices.SingleTable;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Catalog.Api.Features;

public sealed record ChangeBookGenreBody(string? Genre, long? ExpectedVersion);

public sealed record ChangeBookGenre(string AuthorId, string BookId, string Genre, long ExpectedVersion) : ICommand<VersionResponse>;

/// <summary>
/// One transaction: the book.genre-changed event and the book item, conditioned on the version loaded. The genre is
/// not in the book's key; the worker moves its copy from the old genre's partition to the new one.
/// </summary>
public sealed class ChangeBookGenreHandler(EventStore store, IOptions<DynamoDbOptions> options)
    : ICommandHandler<ChangeBookGenre, VersionResponse>
{
    public async ValueTask<VersionResponse> Handle(ChangeBookGenre command, CancellationToken cancellationToken)
    {
        var state = await CatalogRoutes.LoadBookAsync(store, command.AuthorId, command.BookId, cancellationToken);
        var events = Book.ChangeGenre(state, command.Genre, command.ExpectedVersion);
        var changed = events.Aggregate(state, Book.Apply);
        var stream = CatalogEvents.Book(command.BookId);
        var version = await store.AppendAsync(stream, state.Version, events,
            [CanonicalWrite.Put(options.Value.TableName, CatalogItems.Book(changed), stream, state.Version)],
            cancellationToken);
        return new VersionResponse(version);
    }
}

public static class ChangeBookGenreEndpoint
{
    public static void MapChangeBookGenre(this IEndpointRouteBuilder app) =>
        app.MapPut("/authors/{authorId}/books/{bookId}/genre", async Task<Results<Ok<VersionResponse>, ValidationProblem>> (
                string authorId, string bookId, ChangeBookGenreBody body, IMediator mediator, CancellationToken cancellationToken) =>
            {
                CatalogRoutes.RequireId(authorId, "Author");
                CatalogRoutes.RequireId(bookId, "Book");
                var validation = new Validation().Genre(body.Genre).ExpectedVersion(body.ExpectedVersion);
                if (!validation.IsValid)
                {
                    return TypedResults.ValidationProblem(validation.Errors);
                }

                return TypedResults.Ok(await mediator.Send(
                    new ChangeBookGenre(authorId, bookId, body.Genre!, body.ExpectedVersion!.Value), cancellationToken));
            })
            .WithName("ChangeBookGenre")
            .WithTags("Books")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
}
