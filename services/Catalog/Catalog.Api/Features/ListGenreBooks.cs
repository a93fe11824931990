using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Mediator;
using Microservices.Shared.Dynamo;
using Microservices.Shared.Schema;
using Microservices.Shared.Web;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Catalog.Api.Features;

public sealed record GenreBookView(string BookId, string Title, decimal Price, string AuthorId, string AuthorName);

public sealed record ListGenreBooks(string Genre) : IQuery<IReadOnlyList<GenreBookView>>;

/// <summary>
/// Every book of a genre with its author's current name, from the copies the genre worker keeps in the genre's
/// partition: one Query on GSI1, sorted by title. No read of any author or book item.
/// </summary>
public sealed class ListGenreBooksHandler(IAmazonDynamoDB dynamo, IOptions<DynamoDbOptions> options)
    : IQueryHandler<ListGenreBooks, IReadOnlyList<GenreBookView>>
{
    public async ValueTask<IReadOnlyList<GenreBookView>> Handle(ListGenreBooks query, CancellationToken cancellationToken)
    {
        return await dynamo.QueryAllAsync(new QueryRequest
            {
                TableName = options.Value.TableName,
                IndexName = Keys.GenreIndex,
                KeyConditionExpression = "GSI1PK = :genre",
                ExpressionAttributeValues = new() { [":genre"] = new(Keys.GenrePartition(query.Genre)) },
            }, cancellationToken)
            .Select(item => new GenreBookView(
                item[Attributes.BookId].S,
                item[Attributes.Title].S,
                decimal.Parse(item[Attributes.Price].N, CultureInfo.InvariantCulture),
                item[Attributes.AuthorId].S,
                item[Attributes.AuthorName].S))
            .ToListAsync(cancellationToken);
    }
}

public static class ListGenreBooksEndpoint
{
    public static void MapListGenreBooks(this IEndpointRouteBuilder app) =>
        app.MapGet("/genres/{genre}/books", async Task<Results<Ok<IReadOnlyList<GenreBookView>>, ValidationProblem>> (
                string genre, IMediator mediator, CancellationToken cancellationToken) =>
            {
                var validation = new Validation().Genre(genre);
                if (!validation.IsValid)
                {
                    return TypedResults.ValidationProblem(validation.Errors);
                }

                return TypedResults.Ok(await mediator.Send(new ListGenreBooks(genre), cancellationToken));
            })
            .WithName("ListGenreBooks")
            .WithTags("Books");
}
