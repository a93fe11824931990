using Microservices.EventSourcing;
using Microservices.SingleTable;

namespace Catalog.Domain;

/// <summary>
/// A book's state: the fold of the book's events. Version 0 means the book never existed; a deleted book keeps its
/// version (so a late message can be told from a current one) and no longer exists.
/// </summary>
public sealed record Book(string BookId, string AuthorId, string Title, string Genre, decimal Price, string Currency, long Version, bool Deleted = false)
    : IAggregateState
{
    public static Book None(string bookId) => new(bookId, "", "", "", 0m, "", 0);

    public bool Exists => Version > 0 && !Deleted;

    /// <summary>A book is addressed under its author: one of another author, or one that is gone, is not at that address (404).</summary>
    public Book OfAuthor(string authorId) => Exists && AuthorId == authorId ? this : throw new NotFoundException("Book", BookId);

    public static Book Fold(string bookId, IEnumerable<object> events) =>
        events.Aggregate(None(bookId), Apply);

    public static Book Apply(Book state, object @event) => @event switch
    {
        BookAdded e => state with
        {
            AuthorId = e.AuthorId, Title = e.Title, Genre = e.Genre, Price = e.Price, Currency = e.Currency, Version = state.Version + 1,
        },
        BookPriceChanged e => state with { Price = e.Price, Version = state.Version + 1 },
        BookGenreChanged e => state with { Genre = e.Genre, Version = state.Version + 1 },
        BookRetitled e => state with { Title = e.Title, Version = state.Version + 1 },
        BookDeleted => state with { Deleted = true, Version = state.Version + 1 },
        _ => state with { Version = state.Version + 1 },
    };

    public static IReadOnlyList<object> Add(Book state, string authorId, string title, string genre, decimal price, string currency) =>
        state.Exists
            ? throw new ConflictException($"Book '{state.BookId}' already exists.")
            : [new BookAdded(state.BookId, authorId, title, genre, price, currency)];

    /// <summary>A new price stays in the book's currency. The same price again decides nothing, so a retried request cannot add a second event.</summary>
    public static IReadOnlyList<object> ChangePrice(Book state, decimal price, long expectedVersion)
    {
        RequireCurrent(state, expectedVersion);
        return state.Price == price ? [] : [new BookPriceChanged(state.BookId, state.AuthorId, price)];
    }

    public static IReadOnlyList<object> ChangeGenre(Book state, string genre, long expectedVersion)
    {
        RequireCurrent(state, expectedVersion);
        return state.Genre == genre ? [] : [new BookGenreChanged(state.BookId, state.AuthorId, state.Genre, genre)];
    }

    public static IReadOnlyList<object> Retitle(Book state, string title, long expectedVersion)
    {
        RequireCurrent(state, expectedVersion);
        return state.Title == title ? [] : [new BookRetitled(state.BookId, state.AuthorId, state.Title, title)];
    }

    public static IReadOnlyList<object> Delete(Book state, long expectedVersion)
    {
        RequireCurrent(state, expectedVersion);
        return [new BookDeleted(state.BookId, state.AuthorId, state.Title, state.Genre)];
    }

    private static void RequireCurrent(Book state, long expectedVersion)
    {
        if (!state.Exists)
        {
            throw new NotFoundException("Book", state.BookId);
        }

        if (state.Version != expectedVersion)
        {
            throw new VersionConflictException(CatalogEvents.Book(state.BookId).ToString(), state.Version);
        }
    }
}
