using Microservices.Shared.EventSourcing;

namespace Catalog.Domain;

public sealed record AuthorRegistered(string AuthorId, string Name);

public sealed record AuthorRenamed(string AuthorId, string Name);

public sealed record BookAdded(string BookId, string AuthorId, string Title, string Genre, decimal Price);

public static class CatalogEvents
{
    public const string AuthorStream = "author";
    public const string BookStream = "book";

    public static EventTypeMap Types { get; } = new EventTypeMap()
        .Add<AuthorRegistered>("author.registered.v1")
        .Add<AuthorRenamed>("author.renamed.v1")
        .Add<BookAdded>("book.added.v1");

    public static StreamName Author(string authorId) => new(AuthorStream, authorId);

    public static StreamName Book(string bookId) => new(BookStream, bookId);
}
