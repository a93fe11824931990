using System.Text;

namespace Catalog.Api.Features;

public sealed record ListAuthorBooks(string AuthorId, string StartsWith, string? Limit, string? Cursor) : IQuery<Page<BookView>>, IValidatable
{
    /// <summary>A cursor of this list names a book of this author whose title has the same prefix.</summary>
    public CursorShape Shape => new(
        [Attributes.PK, Attributes.SK],
        [(Attributes.PK, Keys.AuthorPartition(AuthorId))],
        [(Attributes.SK, Keys.BooksStartingWith(StartsWith))]);

    public void Validate(Validation validation)
    {
        ArgumentNullException.ThrowIfNull(validation);
        // Measured as DynamoDB measures it: the sort key prefix it becomes, in UTF-8 bytes after the key's escaping.
        var prefixBytes = Encoding.UTF8.GetByteCount(Keys.BooksStartingWith(StartsWith));
        validation
            .Require(prefixBytes <= DynamoDbLimits.MaxSortKeyBytes, "startsWith",
                $"startsWith is too long: as a sort key prefix it is {prefixBytes:N0} bytes, and DynamoDB allows {DynamoDbLimits.MaxSortKeyBytes:N0}.")
            .Page(Limit, Cursor, Shape);
    }
}

/// <summary>
/// Books whose title starts with a prefix, a page at a time: begins_with on the sort key, so DynamoDB reads only the
/// matching items. The author item is read only when a first page is empty, to tell an unknown author (404) from no match.
/// </summary>
public sealed class ListAuthorBooksHandler(IAmazonDynamoDB dynamo, IOptions<DynamoDbOptions> options)
    : IQueryHandler<ListAuthorBooks, Page<BookView>>
{
    public async ValueTask<Page<BookView>> Handle(ListAuthorBooks query, CancellationToken cancellationToken)
    {
        var table = options.Value.TableName;
        var page = Pages.Read(query.Limit, query.Cursor, query.Shape);
        var (items, next) = await dynamo.QueryPageAsync(
            Queries.AuthorBooks(table, query.AuthorId, query.StartsWith), page, query.Shape, cancellationToken);

        if (items.Count == 0 && page.Start is null)
        {
            var authorKey = Keys.Author(query.AuthorId);
            var author = await dynamo.GetItemAsync(new GetItemRequest
            {
                TableName = table,
                Key = new() { [Attributes.PK] = new(authorKey.PK), [Attributes.SK] = new(authorKey.SK) },
                ProjectionExpression = "PK",
            }, cancellationToken);
            if (author.Item is not { Count: > 0 })
            {
                throw new NotFoundException("Author", query.AuthorId);
            }
        }

        return new Page<BookView>(items.Select(item => BookView.From(CatalogItems.ReadBook(item))).ToList(), next);
    }
}

public static class ListAuthorBooksEndpoint
{
    public static void MapListAuthorBooks(this RouteGroupBuilder books) =>
        books.MapGet("", async (string authorId, string? startsWith, string? limit, string? cursor, IMediator mediator, CancellationToken cancellationToken) =>
                TypedResults.Ok(await mediator.Send(new ListAuthorBooks(Ids.Require(authorId, "Author"), startsWith ?? "", limit, cursor), cancellationToken)))
            .WithName("ListAuthorBooks")
            .ProducesProblem(StatusCodes.Status404NotFound);
}
