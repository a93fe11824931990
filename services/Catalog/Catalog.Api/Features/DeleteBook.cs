namespace Catalog.Api.Features;

public sealed record DeleteBook(string AuthorId, string BookId, long ExpectedVersion) : ICommand<VersionResponse>;

/// <summary>
/// One transaction: the book.deleted event and the delete of the book item, conditioned on the version loaded. The
/// stream keeps its history; the worker replaces the genre copy with a tombstone, so a late book.added cannot bring
/// it back.
/// </summary>
public sealed class DeleteBookHandler(CommandRunner<Book> books) : ICommandHandler<DeleteBook, VersionResponse>
{
    public async ValueTask<VersionResponse> Handle(DeleteBook command, CancellationToken cancellationToken) =>
        await books.Run(command.BookId, state => Book.Delete(state.OfAuthor(command.AuthorId), command.ExpectedVersion), cancellationToken);
}

public static class DeleteBookEndpoint
{
    public static void MapDeleteBook(this RouteGroupBuilder books) =>
        books.MapDelete("/{bookId}", async (string authorId, string bookId, [AsParameters] ExpectedVersionQuery query, IMediator mediator, CancellationToken cancellationToken) =>
                TypedResults.Ok(await mediator.Send(new DeleteBook(Ids.Require(authorId, "Author"), Ids.Require(bookId, "Book"), query.Version), cancellationToken)))
            .WithName("DeleteBook")
            .RequireStaff()
            .ProducesCommandProblems();
}
