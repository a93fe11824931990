namespace Catalog.Api.Features;

public sealed record AddBookBody(string? Title, string? Genre, decimal? Price, string? Currency = null) : IValidatable
{
    public void Validate(Validation validation) => validation.Title(Title).Genre(Genre).Price(Price).Currency(Currency);
}

public sealed record BookAddedResponse(string BookId, long Version);

public sealed record AddBook(string AuthorId, string Title, string Genre, decimal Price, string Currency, IdempotencyKey? Idempotency = null)
    : ICommand<BookAddedResponse>, IIdempotentCreate;

/// <summary>
/// One transaction: the book's first event, the book item in its author's collection (the title in the sort key,
/// so a title can be taken only once per author), the author item's BookAdds bumped on the condition that the author
/// exists and, given an Idempotency-Key, the key's completion.
/// </summary>
public sealed class AddBookHandler(CommandRunner<Book> books) : ICommandHandler<AddBook, BookAddedResponse>
{
    public async ValueTask<BookAddedResponse> Handle(AddBook command, CancellationToken cancellationToken) =>
        await books.Create(
            state => Book.Add(state, command.AuthorId, command.Title, command.Genre, command.Price, command.Currency),
            change => [AuthorGainsBook(change.Table, command.AuthorId)],
            done => new BookAddedResponse(done.State.BookId, done.Version),
            cancellationToken);

    /// <summary>
    /// The author must exist, and learns that a book arrived: a delete of the author that looked for books before
    /// this commit is refused by its condition on BookAdds.
    /// </summary>
    private static GuardedWrite AuthorGainsBook(string table, string authorId)
    {
        var authorKey = Keys.Author(authorId);
        return new GuardedWrite(
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
            () => new NotFoundException("Author", authorId));
    }
}

public static class AddBookEndpoint
{
    public static void MapAddBook(this RouteGroupBuilder books) =>
        books.MapPost("", async (string authorId, AddBookBody body, IdempotencyKey? idempotency, IMediator mediator, CancellationToken cancellationToken) =>
            {
                var added = await mediator.Send(
                    new AddBook(Ids.Require(authorId, "Author"), body.Title!, body.Genre!, body.Price!.Value, body.Currency ?? CatalogRules.DefaultCurrency, idempotency), cancellationToken);
                return TypedResults.Created($"/authors/{authorId}/books?startsWith={Uri.EscapeDataString(body.Title!)}", added);
            })
            .WithName("AddBook")
            .RequireStaff()
            .ProducesCommandProblems()
            .ProducesIdempotencyProblems();
}
