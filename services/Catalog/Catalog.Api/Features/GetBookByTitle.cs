namespace Catalog.Api.Features;

public sealed record GetBookByTitle(string AuthorId, string Title) : IQuery<BookView>, IValidatable
{
    public void Validate(Validation validation) => validation.Title(Title);
}

/// <summary>
/// The article's "details of a specific book": the title is the book's sort key, so its author and title are its
/// whole primary key and one GetItem reads it.
/// </summary>
public sealed class GetBookByTitleHandler(IAmazonDynamoDB dynamo, IOptions<DynamoDbOptions> options) : IQueryHandler<GetBookByTitle, BookView>
{
    public async ValueTask<BookView> Handle(GetBookByTitle query, CancellationToken cancellationToken)
    {
        var key = Keys.Book(query.AuthorId, query.Title);
        var response = await dynamo.GetItemAsync(new GetItemRequest
        {
            TableName = options.Value.TableName,
            Key = new() { [Attributes.PK] = new(key.PK), [Attributes.SK] = new(key.SK) },
            ConsistentRead = true,
        }, cancellationToken);
        return response.Item is { Count: > 0 } item && item[Attributes.ItemType].S == ItemTypes.Book
            ? BookView.From(CatalogItems.ReadBook(item))
            : throw new NotFoundException("Book", $"{query.Title} by author {query.AuthorId}");
    }
}

public static class GetBookByTitleEndpoint
{
    public static void MapGetBookByTitle(this RouteGroupBuilder books) =>
        books.MapGet("/by-title/{title}", async (string authorId, string title, IMediator mediator, CancellationToken cancellationToken) =>
                TypedResults.Ok(await mediator.Send(new GetBookByTitle(Ids.Require(authorId, "Author"), title), cancellationToken)))
            .WithName("GetBookByTitle")
            .ProducesProblem(StatusCodes.Status404NotFound);
}
