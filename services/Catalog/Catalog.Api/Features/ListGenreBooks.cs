using System.Globalization;
using Amazon.DynamoDBv2;

namespace Catalog.Api.Features;

public sealed record GenreBookView(string BookId, string Title, decimal Price, string AuthorId, string AuthorName);

public sealed record ListGenreBooks(string Genre, string? Limit, string? Cursor) : IQuery<Page<GenreBookView>>, IValidatable
{
    /// <summary>A cursor of this list is a copy's table and index key, in this genre's partition.</summary>
    public CursorShape Shape => new(
        [Attributes.PK, Attributes.SK, Attributes.GSI1PK, Attributes.GSI1SK],
        [(Attributes.PK, Keys.GenrePartition(Genre)), (Attributes.GSI1PK, Keys.GenrePartition(Genre))],
        [(Attributes.SK, TableSchema.GenreBook.SortKey.Prefix), (Attributes.GSI1SK, TableSchema.GenreBook.Index!.SortKey.Prefix)]);

    public void Validate(Validation validation)
    {
        ArgumentNullException.ThrowIfNull(validation);
        if (validation.Genre(Genre).IsValid)
        {
            validation.Page(Limit, Cursor, Shape);
        }
    }
}

/// <summary>
/// The books of a genre with their authors' current names, a page at a time, from the copies the genre worker keeps
/// in the genre's partition: one Query on GSI1 a page, sorted by title. No read of any author or book item.
/// Tombstones left by moved or deleted books carry no GSI1 keys, so they never appear here.
/// </summary>
public sealed class ListGenreBooksHandler(IAmazonDynamoDB dynamo, IOptions<DynamoDbOptions> options)
    : IQueryHandler<ListGenreBooks, Page<GenreBookView>>
{
    public async ValueTask<Page<GenreBookView>> Handle(ListGenreBooks query, CancellationToken cancellationToken)
    {
        var (items, next) = await dynamo.QueryPageAsync(
            Queries.IndexPartition(options.Value.TableName, Keys.GenrePartition(query.Genre)),
            Pages.Read(query.Limit, query.Cursor, query.Shape), query.Shape, cancellationToken);
        return new Page<GenreBookView>(items.Select(item => new GenreBookView(
                item[Attributes.BookId].S,
                item[Attributes.Title].S,
                decimal.Parse(item[Attributes.Price].N, CultureInfo.InvariantCulture),
                item[Attributes.AuthorId].S,
                item[Attributes.AuthorName].S))
            .ToList(), next);
    }
}

public static class ListGenreBooksEndpoint
{
    public static void MapListGenreBooks(this RouteGroupBuilder genres) =>
        genres.MapGet("/{genre}/books", async (string genre, string? limit, string? cursor, IMediator mediator, CancellationToken cancellationToken) =>
                TypedResults.Ok(await mediator.Send(new ListGenreBooks(genre, limit, cursor), cancellationToken)))
            .WithName("ListGenreBooks");
}
