using Microservices.Contracts.Catalog;
using Microservices.EventSourcing;
using Microservices.Schema.Migrations;
using Microservices.SingleTable;

namespace Catalog.Domain;

public sealed record AuthorRegistered(string AuthorId, string Name);

public sealed record AuthorRenamed(string AuthorId, string Name);

/// <summary>
/// book.added.v2: the price with its currency. Stored as book.added.v1 before prices had one (<see cref="BookAddedV1Data"/>),
/// which the map below upcasts: such a book's price was in <see cref="BookCurrency.Before"/>.
/// </summary>
public sealed record BookAdded(string BookId, string AuthorId, string Title, string Genre, decimal Price, string Currency);

/// <summary>book.added.v1 as it was stored: read only, through the upcast to <see cref="BookAdded"/>.</summary>
public sealed record BookAddedV1Data(string BookId, string AuthorId, string Title, string Genre, decimal Price)
{
    public BookAdded Upcast() => new(BookId, AuthorId, Title, Genre, Price, BookCurrency.Before);
}

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

    /// <summary>
    /// Catalog's events, each with the integration contract other services (and Catalog's own workers) read. The
    /// event store records the contract on the event item, and the one relay publishes it as recorded.
    /// </summary>
    public static EventTypeMap Types { get; } = new EventTypeMap()
        .Add<AuthorRegistered>("author.registered.v1", (e, at) => new AuthorRegisteredV1(at.EventId, at.StreamId, at.Version, at.RecordedAt, e.AuthorId, e.Name))
        .Add<AuthorRenamed>("author.renamed.v1", (e, at) => new AuthorRenamedV1(at.EventId, at.StreamId, at.Version, at.RecordedAt, e.AuthorId, e.Name))
        .Add<BookAdded>("book.added.v2", (e, at) => new BookAddedV2(
            at.EventId, at.StreamId, at.Version, at.RecordedAt, e.BookId, e.AuthorId, e.Title, e.Genre, e.Price, e.Currency))
        .Upcast<BookAddedV1Data, BookAdded>("book.added.v1", v1 => v1.Upcast())
        .Add<BookPriceChanged>("book.price-changed.v1", (e, at) => new BookPriceChangedV1(
            at.EventId, at.StreamId, at.Version, at.RecordedAt, e.BookId, e.AuthorId, e.Price))
        .Add<BookGenreChanged>("book.genre-changed.v1", (e, at) => new BookGenreChangedV1(
            at.EventId, at.StreamId, at.Version, at.RecordedAt, e.BookId, e.AuthorId, e.OldGenre, e.Genre))
        .Add<BookRetitled>("book.retitled.v1", (e, at) => new BookRetitledV1(
            at.EventId, at.StreamId, at.Version, at.RecordedAt, e.BookId, e.AuthorId, e.OldTitle, e.Title))
        .Add<BookDeleted>("book.deleted.v1", (e, at) => new BookDeletedV1(
            at.EventId, at.StreamId, at.Version, at.RecordedAt, e.BookId, e.AuthorId, e.Title, e.Genre))
        .Add<AuthorDeleted>("author.deleted.v1", (e, at) => new AuthorDeletedV1(at.EventId, at.StreamId, at.Version, at.RecordedAt, e.AuthorId));

    public static StreamName Author(string authorId) => new(AuthorStream, authorId);

    public static StreamName Book(string bookId) => new(BookStream, bookId);
}
