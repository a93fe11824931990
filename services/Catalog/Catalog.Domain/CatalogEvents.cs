using Microservices.EventSourcing;

namespace Catalog.Domain;

public sealed record AuthorRegistered(string AuthorId, string Name);

public sealed record AuthorRenamed(string AuthorId, string Name);

public sealed record BookAdded(string BookId, string AuthorId, string Title, string Genre, decimal Price);

public sealed record BookPriceChanged(string BookId, string AuthorId, decimal Price);

public sealed record BookGenreChanged(string BookId, string AuthorId, string OldGenre, string Genre);

/// <summary>The title is the book item's sort key: the old item is deleted and the new one put in one transaction.</summary>
public sealed record BookRetitled(string BookId, string AuthorId, string OldTitle, string Title);

public sealed record BookDeleted(string BookId, string AuthorId, string Title, string Genre);

public sealed record AuthorDeleted(string AuthorId);

public static class CatalogEvents
{
    public const string AuthorStream = "author";
    public const string BookStream = "book";

    public static EventTypeMap Types { get; } = new EventTypeMap()
        .Add<AuthorRegistered>("author.registered.v1")
        .Add<AuthorRenamed>("author.renamed.v1")
        .Add<BookAdded>("book.added.v1")
        .Add<BookPriceChanged>("book.price-changed.v1")
        .Add<BookGenreChanged>("book.genre-changed.v1")
        .Add<BookRetitled>("book.retitled.v1")
        .Add<BookDeleted>("book.deleted.v1")
        .Add<AuthorDeleted>("author.deleted.v1");

    public static StreamName Author(string authorId) => new(AuthorStream, authorId);

    public static StreamName Book(string bookId) => new(BookStream, bookId);
}
