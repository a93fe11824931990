using System.Globalization;
using Amazon.DynamoDBv2;

namespace Catalog.Api.Features;

public sealed record AuthorSummary(string AuthorId, string Name, long Version);

public sealed record ListAuthors(string? Limit, string? Cursor) : IQuery<Page<AuthorSummary>>, IValidatable
{
    /// <summary>A cursor of this list is an author item's table and index key.</summary>
    public static CursorShape Shape { get; } = new(
        [Attributes.PK, Attributes.SK, Attributes.GSI1PK, Attributes.GSI1SK],
        [(Attributes.GSI1PK, Keys.AuthorsIndexPartition)],
        [(Attributes.PK, TableSchema.Author.PartitionKey.Prefix), (Attributes.GSI1SK, TableSchema.Author.Index!.SortKey.Prefix)]);

    public void Validate(Validation validation) => validation.Page(Limit, Cursor, Shape);
}

/// <summary>
/// Every author sorted by name, a page at a time: one Query on GSI1 (GSI1PK = AUTHORS, GSI1SK = AUTHOR#{name}#{id})
/// a page. The author item writes its own index keys, so a rename re-sorts it and a delete removes it. One index
/// partition holds every author: fine for a catalog's authors, a write-sharded key would be the next step past that.
/// </summary>
public sealed class ListAuthorsHandler(IAmazonDynamoDB dynamo, IOptions<DynamoDbOptions> options)
    : IQueryHandler<ListAuthors, Page<AuthorSummary>>
{
    public async ValueTask<Page<AuthorSummary>> Handle(ListAuthors query, CancellationToken cancellationToken)
    {
        var (items, next) = await dynamo.QueryPageAsync(
            Queries.IndexPartition(options.Value.TableName, Keys.AuthorsIndexPartition),
            Pages.Read(query.Limit, query.Cursor, ListAuthors.Shape), ListAuthors.Shape, cancellationToken);
        return new Page<AuthorSummary>(items.Select(item => new AuthorSummary(
                item[Attributes.AuthorId].S,
                item[Attributes.Name].S,
                long.Parse(item[Attributes.Version].N, CultureInfo.InvariantCulture)))
            .ToList(), next);
    }
}

public static class ListAuthorsEndpoint
{
    public static void MapListAuthors(this RouteGroupBuilder authors) =>
        authors.MapGet("", async (string? limit, string? cursor, IMediator mediator, CancellationToken cancellationToken) =>
                TypedResults.Ok(await mediator.Send(new ListAuthors(limit, cursor), cancellationToken)))
            .WithName("ListAuthors");
}
