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

public sealed record RetitleBookBody(string? Title, long? ExpectedVersion);

public sealed record RetitleBook(string AuthorId, string BookId, string Title, long ExpectedVersion) : ICommand<VersionResponse>;

/// <summary>
/// The title is the book item's sort key, so a retitle is one transaction of three writes: the book.retitled event,
/// a delete of the item under the old title (conditioned on the version loaded) and a put under the new title
/// (conditioned on no item there: a title the author already uses is a 409). The genre copy keeps its key
/// (GENRE#{genre} / BOOK#{bookId}); the worker rewrites its title and GSI1 sort key.
/// </summary>
public sealed class RetitleBookHandler(EventStore store, IOptions<DynamoDbOptions> options)
    : ICommandHandler<RetitleBook, VersionResponse>
{
    public async ValueTask<VersionResponse> Handle(RetitleBook command, CancellationToken cancellationToken)
    {
        var table = options.Value.TableName;
        var state = await CatalogRoutes.LoadBookAsync(store, command.AuthorId, command.BookId, cancellationToken);
        var events = Book.Retitle(state, command.Title, command.ExpectedVersion);
        var retitled = events.Aggregate(state, Book.Apply);
        var stream = CatalogEvents.Book(command.BookId);
        var oldKey = Keys.Book(state.AuthorId, state.Title);

        var removeOld = new GuardedWrite(
            new TransactWriteItem
            {
                Delete = new Delete
                {
                    TableName = table,
                    Key = new() { [Attributes.PK] = new(oldKey.PK), [Attributes.SK] = new(oldKey.SK) },
                    ConditionExpression = "Version = :expected",
                    ExpressionAttributeValues = new()
                    {
                        [":expected"] = new() { N = state.Version.ToString(CultureInfo.InvariantCulture) },
                    },
                },
            },
            () => new VersionConflictException(stream.ToString(), state.Version));
        var putNew = new GuardedWrite(
            new TransactWriteItem
            {
                Put = new Put { TableName = table, Item = CatalogItems.Book(retitled), ConditionExpression = "attribute_not_exists(PK)" },
            },
            () => new ConflictException($"Author '{command.AuthorId}' already has a book titled '{command.Title}'."));

        var version = await store.AppendAsync(stream, state.Version, events, [removeOld, putNew], cancellationToken);
        return new VersionResponse(version);
    }
}

public static class RetitleBookEndpoint
{
    public static void MapRetitleBook(this IEndpointRouteBuilder app) =>
        app.MapPut("/authors/{authorId}/books/{bookId}/title", async Task<Results<Ok<VersionResponse>, ValidationProblem>> (
                string authorId, string bookId, RetitleBookBody body, IMediator mediator, CancellationToken cancellationToken) =>
            {
                CatalogRoutes.RequireId(authorId, "Author");
                CatalogRoutes.RequireId(bookId, "Book");
                var validation = new Validation().Title(body.Title).ExpectedVersion(body.ExpectedVersion);
                if (!validation.IsValid)
                {
                    return TypedResults.ValidationProblem(validation.Errors);
                }

                return TypedResults.Ok(await mediator.Send(
                    new RetitleBook(authorId, bookId, body.Title!, body.ExpectedVersion!.Value), cancellationToken));
            })
            .WithName("RetitleBook")
            .WithTags("Books")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
}
