namespace Catalog.Api.Features;

public sealed record DeleteAuthor(string AuthorId, long ExpectedVersion) : ICommand<VersionResponse>;

/// <summary>
/// An author with no books: the author item's BookAdds is read first, then one strongly consistent Query (Limit 1)
/// on the author's books decides whether any remain (409 naming the reason when they do), then one transaction of the
/// author.deleted event and the delete of the author item, conditioned on the version loaded and on BookAdds being
/// what it was before the Query: a book added in between bumped it, so the delete is refused rather than orphaning
/// the book. The worker removes the author's book count.
/// </summary>
public sealed class DeleteAuthorHandler(CommandRunner<Author> authors, IAmazonDynamoDB dynamo)
    : ICommandHandler<DeleteAuthor, VersionResponse>
{
    public async ValueTask<VersionResponse> Handle(DeleteAuthor command, CancellationToken cancellationToken)
    {
        var table = authors.Table;
        var key = Keys.Author(command.AuthorId);
        var authorItem = await dynamo.GetItemAsync(new GetItemRequest
        {
            TableName = table,
            Key = new() { [Attributes.PK] = new(key.PK), [Attributes.SK] = new(key.SK) },
            ProjectionExpression = Attributes.BookAdds,
            ConsistentRead = true,
        }, cancellationToken);
        var bookAdds = authorItem.Item?.GetValueOrDefault(Attributes.BookAdds)?.N;
        var anyBook = Queries.AuthorBooks(table, command.AuthorId);
        anyBook.ProjectionExpression = "PK";
        anyBook.Limit = 1;
        var books = await dynamo.QueryAsync(anyBook, cancellationToken);
        var done = await authors.Run(
            command.AuthorId,
            state => Author.Delete(state, command.ExpectedVersion, books.Items?.Count ?? 0),
            null,
            cancellationToken,
            canonical: change =>
            [
                GuardedWrite.Delete(table, key, change.Before.Version,
                    () => new ConflictException($"Author '{command.AuthorId}' gained a book while being deleted; reload and retry."),
                    bookAdds is null ? "attribute_not_exists(BookAdds)" : "BookAdds = :bookAdds",
                    bookAdds is null ? null : new() { [":bookAdds"] = new() { N = bookAdds } }),
            ]);
        return new VersionResponse(done.Version);
    }
}

public static class DeleteAuthorEndpoint
{
    public static void MapDeleteAuthor(this RouteGroupBuilder authors) =>
        authors.MapDelete("/{authorId}", async (string authorId, [AsParameters] ExpectedVersionQuery query, IMediator mediator, CancellationToken cancellationToken) =>
                TypedResults.Ok(await mediator.Send(new DeleteAuthor(Ids.Require(authorId, "Author"), query.Version), cancellationToken)))
            .WithName("DeleteAuthor")
            .RequireStaff()
            .ProducesCommandProblems();
}
