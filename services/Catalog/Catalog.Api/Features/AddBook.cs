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

public sealed record AddBookBody(string? Title, string? Genre, decimal? Price);

public sealed record BookAddedResponse(string BookId, long Version);

public sealed record AddBook(string AuthorId, string Title, string Genre, decimal Price, IdempotencyKey? Idempotency = null)
    : ICommand<BookAddedResponse>;

/// <summary>
/// One transaction: the book's first event, the book item in its author's collection (the title in the sort key,
/// so a title can be taken only once per author), the author item's BookAdds bumped on the condition that the author
/// exists and, given an Idempotency-Key, the key's item.
/// </summary>
public sealed class AddBookHandler(EventStore store, IdempotentCreates creates, IOptions<DynamoDbOptions> options)
    : ICommandHandler<AddBook, BookAddedResponse>
{
    public async ValueTask<BookAddedResponse> Handle(AddBook command, CancellationToken cancellationToken)
    {
        var table = options.Value.TableName;
        var state = Book.None(Ids.New());
        var events = Book.Add(state, command.AuthorId, command.Title, command.Genre, command.Price);
        var added = events.Aggregate(state, Book.Apply);
        var authorKey = Keys.Author(command.AuthorId);

        var bookItem = new GuardedWrite(
            new TransactWriteItem
            {
                Put = new Put
                {
                    TableName = table,
                    Item = CatalogItems.Book(added),
                    ConditionExpression = "attribute_not_exists(PK)",
                },
            },
            () => new ConflictException($"Author '{command.AuthorId}' already has a book titled '{command.Title}'."));
        // The author must exist, and learns that a book arrived: a delete of the author that looked for books before
        // this commit is refused by its condition on BookAdds.
        var authorExists = new GuardedWrite(
            new TransactWriteItem
            {
                Update = new Update
                {
                    TableName = table,
                    Key = new() { [Attributes.PK] = new(authorKey.PK), [Attributes.SK] = new(authorKey.SK) },
                    ConditionExpression = "attribute_exists(PK)",
                    UpdateExpression = "SET BookAdds = if_not_exists(BookAdds, :zero) + :one",
                    ExpressionAttributeValues = new() { [":zero"] = new() { N = "0" }, [":one"] = new() { N = "1" } },
                },
            },
            () => new NotFoundException("Author", command.AuthorId));

        return await creates.RunAsync(command.Idempotency, new BookAddedResponse(state.BookId, added.Version), idempotency =>
            store.AppendAsync(
                CatalogEvents.Book(state.BookId), state.Version, events, [bookItem, authorExists, .. idempotency], cancellationToken),
            cancellationToken);
    }
}

public static class AddBookEndpoint
{
    public static void MapAddBook(this IEndpointRouteBuilder app) =>
        app.MapPost("/authors/{authorId}/books", async Task<Results<Created<BookAddedResponse>, ValidationProblem>> (
                string authorId, AddBookBody body, HttpRequest request, IMediator mediator, CancellationToken cancellationToken) =>
            {
                CatalogRoutes.RequireId(authorId, "Author");
                var validation = new Validation().Title(body.Title).Genre(body.Genre).Price(body.Price);
                var idempotency = IdempotencyKey.Read(request, body, validation);
                if (!validation.IsValid)
                {
                    return TypedResults.ValidationProblem(validation.Errors);
                }

                var added = await mediator.Send(
                    new AddBook(authorId, body.Title!, body.Genre!, body.Price!.Value, idempotency), cancellationToken);
                return TypedResults.Created($"/authors/{authorId}/books?startsWith={Uri.EscapeDataString(body.Title!)}", added);
            })
            .WithName("AddBook")
            .WithTags("Books")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
}
