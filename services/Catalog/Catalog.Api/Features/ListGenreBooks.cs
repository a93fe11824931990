using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Mediator;
using Microservices.Schema;
using Microservices.ServiceDefaults;
using Microservices.SingleTable;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Catalog.Api.Features;

public sealed record GenreBookView(string BookId, string Title, decimal Price, string AuthorId, string AuthorName);

public sealed record ListGenreBooks(string Genre, int Limit, Dictionary<string, AttributeValue>? Start) : IQuery<Page<GenreBookView>>;

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
        var (items, next) = await dynamo.QueryPageAsync(new QueryRequest
            {
                TableName = options.Value.TableName,
                IndexName = Keys.GenreIndex,
                KeyConditionExpression = "GSI1PK = :genre",
                ExpressionAttributeValues = new() { [":genre"] = new(Keys.GenrePartition(query.Genre)) },
            }, query.Limit, query.Start, ListGenreBooksEndpoint.Cursor(query.Genre), cancellationToken);
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
    /// <summary>A cursor of this list is a copy's table and index key, in this genre's partition.</summary>
    public static CursorShape Cursor(string genre) => new(
        [Attributes.PK, Attributes.SK, Attributes.GSI1PK, Attributes.GSI1SK],
        [(Attributes.PK, Keys.GenrePartition(genre)), (Attributes.GSI1PK, Keys.GenrePartition(genre))],
        [(Attributes.SK, TableSchema.GenreBook.SortKey.Prefix), (Attributes.GSI1SK, TableSchema.GenreBook.Index!.SortKey.Prefix)]);

    public static void MapListGenreBooks(this IEndpointRouteBuilder app) =>
        app.MapGet("/genres/{genre}/books", async Task<Results<Ok<Page<GenreBookView>>, ValidationProblem>> (
                string genre, string? limit, string? cursor, IMediator mediator, CancellationToken cancellationToken) =>
            {
                var validation = new Validation().Genre(genre);
                if (validation.IsValid)
                {
                    validation.Paging(limit, cursor, Cursor(genre), out var pageSize, out var start);
                    if (validation.IsValid)
                    {
                        return TypedResults.Ok(await mediator.Send(new ListGenreBooks(genre, pageSize, start), cancellationToken));
                    }
                }

                return TypedResults.ValidationProblem(validation.Errors);
            })
            .WithName("ListGenreBooks")
            .WithTags("Books");
}
