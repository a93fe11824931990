using System.Globalization;
using Amazon.DynamoDBv2;
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

public sealed record DeleteAuthor(string AuthorId, long ExpectedVersion) : ICommand<VersionResponse>;

/// <summary>
/// An author with no books: the author item's BookAdds is read first, then one strongly consistent Query (Limit 1)
/// on the author's books decides whether any remain (409 naming the reason when they do), then one transaction of the
/// author.deleted event and the delete of the author item, conditioned on the version loaded and on BookAdds being
/// what it was before the Query: a book added in between bumped it, so the delete is refused rather than orphaning
/// the book. The worker removes the author's book count.
/// </summary>
public sealed class DeleteAuthorHandler(EventStore store, IAmazonDynamoDB dynamo, IOptions<DynamoDbOptions> options)
    : ICommandHandler<DeleteAuthor, VersionResponse>
{
    public async ValueTask<VersionResponse> Handle(DeleteAuthor command, CancellationToken cancellationToken)
    {
        var table = options.Value.TableName;
        var stream = CatalogEvents.Author(command.AuthorId);
        var state = Author.Fold(command.AuthorId, (await store.ReadAsync(stream, cancellationToken)).Select(e => e.Data));
        var key = Keys.Author(command.AuthorId);
        var authorItem = await dynamo.GetItemAsync(new GetItemRequest
        {
            TableName = table,
            Key = new() { [Attributes.PK] = new(key.PK), [Attributes.SK] = new(key.SK) },
            ProjectionExpression = Attributes.BookAdds,
            ConsistentRead = true,
        }, cancellationToken);
        var bookAdds = authorItem.Item?.GetValueOrDefault(Attributes.BookAdds)?.N;
        var books = await dynamo.QueryAsync(new QueryRequest
        {
            TableName = table,
            KeyConditionExpression = "PK = :pk AND begins_with(SK, :books)",
            ExpressionAttributeValues = new()
            {
                [":pk"] = new(Keys.AuthorPartition(command.AuthorId)),
                [":books"] = new(Keys.BooksStartingWith("")),
            },
            ProjectionExpression = "PK",
            Limit = 1,
            ConsistentRead = true,
        }, cancellationToken);
        var events = Author.Delete(state, command.ExpectedVersion, books.Items?.Count ?? 0);
        var expected = new Dictionary<string, AttributeValue>
        {
            [":expected"] = new() { N = state.Version.ToString(CultureInfo.InvariantCulture) },
        };
        if (bookAdds is not null)
        {
            expected[":bookAdds"] = new() { N = bookAdds };
        }

        var delete = new GuardedWrite(
            new TransactWriteItem
            {
                Delete = new Delete
                {
                    TableName = table,
                    Key = new() { [Attributes.PK] = new(key.PK), [Attributes.SK] = new(key.SK) },
                    ConditionExpression = bookAdds is null
                        ? "Version = :expected AND attribute_not_exists(BookAdds)"
                        : "Version = :expected AND BookAdds = :bookAdds",
                    ExpressionAttributeValues = expected,
                },
            },
            () => new ConflictException($"Author '{command.AuthorId}' gained a book while being deleted; reload and retry."));
        return new VersionResponse(await store.AppendAsync(stream, state.Version, events, [delete], cancellationToken));
    }
}

public static class DeleteAuthorEndpoint
{
    public static void MapDeleteAuthor(this IEndpointRouteBuilder app) =>
        app.MapDelete("/authors/{authorId}", async Task<Results<Ok<VersionResponse>, ValidationProblem>> (
                string authorId, string? expectedVersion, IMediator mediator, CancellationToken cancellationToken) =>
            {
                CatalogRoutes.RequireId(authorId, "Author");
                var validation = new Validation().ExpectedVersion(expectedVersion, out var version);
                if (!validation.IsValid)
                {
                    return TypedResults.ValidationProblem(validation.Errors);
                }

                return TypedResults.Ok(await mediator.Send(new DeleteAuthor(authorId, version), cancellationToken));
            })
            .WithName("DeleteAuthor")
            .WithTags("Authors")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
}
