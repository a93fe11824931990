namespace Catalog.Api.Features;

public sealed record BookView(string BookId, string Title, string Genre, decimal Price, string Currency, long Version)
{
    public static BookView From(Book book) => new(book.BookId, book.Title, book.Genre, book.Price, book.Currency, book.Version);
}

/// <param name="BookCount">The Catalog worker's count of the author's books; null until it has handled the author's registration or first book.</param>
public sealed record AuthorView(string AuthorId, string Name, long Version, IReadOnlyList<BookView> Books, int? BookCount);

public sealed record GetAuthor(string AuthorId) : IQuery<AuthorView>;

/// <summary>
/// The article's item collection: one Query on the author's partition returns the author, the worker's book count
/// and every book, sorted by title.
/// </summary>
public sealed class GetAuthorHandler(IAmazonDynamoDB dynamo, IOptions<DynamoDbOptions> options) : IQueryHandler<GetAuthor, AuthorView>
{
    public async ValueTask<AuthorView> Handle(GetAuthor query, CancellationToken cancellationToken)
    {
        Author? author = null;
        int? bookCount = null;
        var books = new List<BookView>();
        var collection = dynamo.QueryAllAsync(new QueryRequest
        {
            TableName = options.Value.TableName,
            KeyConditionExpression = "PK = :pk",
            ExpressionAttributeValues = new() { [":pk"] = new(Keys.AuthorPartition(query.AuthorId)) },
            ConsistentRead = true,
        }, cancellationToken);
        await foreach (var item in collection)
        {
            switch (item[Attributes.ItemType].S)
            {
                case ItemTypes.Author:
                    author = CatalogItems.ReadAuthor(item);
                    break;
                case ItemTypes.AuthorStats:
                    bookCount = int.Parse(item[Attributes.BookCount].N, System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case ItemTypes.Book:
                    books.Add(BookView.From(CatalogItems.ReadBook(item)));
                    break;
            }
        }

        return author is null
            ? throw new NotFoundException("Author", query.AuthorId)
            : new AuthorView(author.AuthorId, author.Name, author.Version, books, bookCount);
    }
}

public static class GetAuthorEndpoint
{
    public static void MapGetAuthor(this RouteGroupBuilder authors) =>
        authors.MapGet("/{authorId}", async (string authorId, IMediator mediator, CancellationToken cancellationToken) =>
                TypedResults.Ok(await mediator.Send(new GetAuthor(Ids.Require(authorId, "Author")), cancellationToken)))
            .WithName("GetAuthor")
            .ProducesProblem(StatusCodes.Status404NotFound);
}
