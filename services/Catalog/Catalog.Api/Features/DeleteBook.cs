using System.Globalization;
using Amazon.DynamoDBv2.Model;
using Catalog.Domain;
using Mediator;
using Microservices.EventSourcing;
using Microservices.Schema;
using Microservices.ServiceDefaults;
using Microservices.SingleTable;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Catalog.Api.Features;

public sealed record DeleteBook(string AuthorId, string BookId, long ExpectedVersion) : ICommand<VersionResponse>;

/// <summary>
/// One transaction: the book.deleted event and the delete of the book item, conditioned on the version loaded. The
/// stream keeps its history; the worker replaces the genre copy with a tombstone, so a late book.added cannot bring
/// it back.
/// </summary>
public sealed class DeleteBookHandler(EventStore store, IOptions<DynamoDbOptions> options)
    : ICommandHandler<DeleteBook, VersionResponse>
{
    public async ValueTask<VersionResponse> Handle(DeleteBook command, CancellationToken cancellationToken)
    {
        var state = await CatalogRoutes.LoadBookAsync(store, command.AuthorId, command.BookId, cancellationToken);
        var events = Book.Delete(state, command.ExpectedVersion);
        var stream = CatalogEvents.Book(command.BookId);
        var key = Keys.Book(state.AuthorId, state.Title);
        var delete = new GuardedWrite(
            new TransactWriteItem
            {
                Delete = new Delete
                {
                    TableName = options.Value.TableName,
                    Key = new() { [Attributes.PK] = new(key.PK), [Attributes.SK] = new(key.SK) },
                    ConditionExpression = "Version = :expected",
                    ExpressionAttributeValues = new()
                    {
                        [":expected"] = new() { N = state.Version.ToString(CultureInfo.InvariantCulture) },
                    },
                },
            },
            () => new VersionConflictException(stream.ToString(), state.Version));
        return new VersionResponse(await store.AppendAsync(stream, state.Version, events, [delete], cancellationToken));
    }
}

public static class DeleteBookEndpoint
{
    public static void MapDeleteBook(this IEndpointRouteBuilder app) =>
        app.MapDelete("/authors/{authorId}/books/{bookId}", async Task<Results<Ok<VersionResponse>, ValidationProblem>> (
                string authorId, string bookId, string? expectedVersion, IMediator mediator, CancellationToken cancellationToken) =>
            {
                CatalogRoutes.RequireId(authorId, "Author");
                CatalogRoutes.RequireId(bookId, "Book");
                var validation = new Validation().ExpectedVersion(expectedVersion, out var version);
                if (!validation.IsValid)
                {
                    return TypedResults.ValidationProblem(validation.Errors);
                }

                return TypedResults.Ok(await mediator.Send(new DeleteBook(authorId, bookId, version), cancellationToken));
            })
            .WithName("DeleteBook")
            .WithTags("Books")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
}
