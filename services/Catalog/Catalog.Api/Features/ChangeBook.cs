namespace Catalog.Api.Features;

public sealed record ChangeBookPriceBody(decimal? Price, long? ExpectedVersion) : IValidatable
{
    public void Validate(Validation validation) => validation.Price(Price).ExpectedVersion(ExpectedVersion);
}

public sealed record ChangeBookGenreBody(string? Genre, long? ExpectedVersion) : IValidatable
{
    public void Validate(Validation validation) => validation.Genre(Genre).ExpectedVersion(ExpectedVersion);
}

public sealed record RetitleBookBody(string? Title, long? ExpectedVersion) : IValidatable
{
    public void Validate(Validation validation) => validation.Title(Title).ExpectedVersion(ExpectedVersion);
}

public sealed record ChangeBookPrice(string AuthorId, string BookId, decimal Price, long ExpectedVersion) : ICommand<VersionResponse>;

public sealed record ChangeBookGenre(string AuthorId, string BookId, string Genre, long ExpectedVersion) : ICommand<VersionResponse>;

public sealed record RetitleBook(string AuthorId, string BookId, string Title, long ExpectedVersion) : ICommand<VersionResponse>;

/// <summary>
/// The changes of a book, each one transaction of its event and the book item, conditioned on the version loaded. The
/// genre is not in the book's key: the worker moves its copy from the old genre's partition to the new one. The title
/// is: a retitle deletes the item under the old title and puts it under the new one (a title the author already
/// uses is a 409); the genre copy keeps its key (GENRE#{genre} / BOOK#{bookId}), the worker rewrites its title.
/// </summary>
public sealed class ChangeBookHandler(CommandRunner<Book> books)
    : ICommandHandler<ChangeBookPrice, VersionResponse>, ICommandHandler<ChangeBookGenre, VersionResponse>, ICommandHandler<RetitleBook, VersionResponse>
{
    public async ValueTask<VersionResponse> Handle(ChangeBookPrice command, CancellationToken cancellationToken) =>
        await books.Run(command.BookId, state => Book.ChangePrice(state.OfAuthor(command.AuthorId), command.Price, command.ExpectedVersion), cancellationToken);

    public async ValueTask<VersionResponse> Handle(ChangeBookGenre command, CancellationToken cancellationToken) =>
        await books.Run(command.BookId, state => Book.ChangeGenre(state.OfAuthor(command.AuthorId), command.Genre, command.ExpectedVersion), cancellationToken);

    public async ValueTask<VersionResponse> Handle(RetitleBook command, CancellationToken cancellationToken) =>
        await books.Run(command.BookId, state => Book.Retitle(state.OfAuthor(command.AuthorId), command.Title, command.ExpectedVersion), cancellationToken);
}

public static class ChangeBookEndpoints
{
    public static void MapChangeBookPrice(this RouteGroupBuilder books) =>
        books.MapPut("/{bookId}/price", async (string authorId, string bookId, ChangeBookPriceBody body, IMediator mediator, CancellationToken cancellationToken) =>
                TypedResults.Ok(await mediator.Send(
                    new ChangeBookPrice(Ids.Require(authorId, "Author"), Ids.Require(bookId, "Book"), body.Price!.Value, body.ExpectedVersion!.Value), cancellationToken)))
            .WithName("ChangeBookPrice")
            .RequireStaff()
            .ProducesCommandProblems();

    public static void MapChangeBookGenre(this RouteGroupBuilder books) =>
        books.MapPut("/{bookId}/genre", async (string authorId, string bookId, ChangeBookGenreBody body, IMediator mediator, CancellationToken cancellationToken) =>
                TypedResults.Ok(await mediator.Send(
                    new ChangeBookGenre(Ids.Require(authorId, "Author"), Ids.Require(bookId, "Book"), body.Genre!, body.ExpectedVersion!.Value), cancellationToken)))
            .WithName("ChangeBookGenre")
            .RequireStaff()
            .ProducesCommandProblems();

    public static void MapRetitleBook(this RouteGroupBuilder books) =>
        books.MapPut("/{bookId}/title", async (string authorId, string bookId, RetitleBookBody body, IMediator mediator, CancellationToken cancellationToken) =>
                TypedResults.Ok(await mediator.Send(
                    new RetitleBook(Ids.Require(authorId, "Author"), Ids.Require(bookId, "Book"), body.Title!, body.ExpectedVersion!.Value), cancellationToken)))
            .WithName("RetitleBook")
            .RequireStaff()
            .ProducesCommandProblems();
}
