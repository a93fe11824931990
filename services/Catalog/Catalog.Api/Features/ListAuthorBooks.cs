using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Catalog.Domain;
using Mediator;
using Microservices.Shared.Dynamo;
using Microservices.Shared.Schema;
using Microservices.Shared.Web;
using Microsoft.Extensions.Options;

namespace Catalog.Api.Features;

public sealed record ListAuthorBooks(string AuthorId, string StartsWith) : IQuery<IReadOnlyList<BookView>>;

/// <summary>
/// Books whose title starts with a prefix: begins_with on the sort key, so DynamoDB reads only the matching items.
/// The author item is read only when nothing matched, to tell an unknown author (404) from no match.
/// </summary>
public sealed class ListAuthorBooksHandler(IAmazonDynamoDB dynamo, IOptions<DynamoDbOptions> options)
    : IQueryHandler<ListAuthorBooks, IReadOnlyList<BookView>>
{
    public async ValueTask<IReadOnlyList<BookView>> Handle(ListAuthorBooks query, CancellationToken cancellationToken)
    {
        var table = options.Value.TableName;
        var books = await dynamo.QueryAllAsync(new QueryRequest
            {
                TableName = table,
                KeyConditionExpression = "PK = :pk AND begins_with(SK, :prefix)",
                ExpressionAttributeValues = new()
                {
                    [":pk"] = new(Keys.AuthorPartition(query.AuthorId)),
                    [":prefix"] = new(Keys.BooksStartingWith(query.StartsWith)),
                },
                ConsistentRead = true,
            }, cancellationToken)
            .Select(item => BookView.From(CatalogItems.ReadBook(item)))
            .ToListAsync(cancellationToken);

        if (books.Count == 0)
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

        return books;
    }
}

public static class ListAuthorBooksEndpoint
{
    public static void MapListAuthorBooks(this IEndpointRouteBuilder app) =>
        app.MapGet("/authors/{authorId}/books", async (
                string authorId, string? startsWith, IMediator mediator, CancellationToken cancellationToken) =>
            {
                CatalogRoutes.RequireId(authorId, "Author");
                return TypedResults.Ok(await mediator.Send(new ListAuthorBooks(authorId, startsWith ?? ""), cancellationToken));
            })
            .WithName("ListAuthorBooks")
            .WithTags("Books")
            .ProducesProblem(StatusCodes.Status404NotFound);
}
