using Microservices.Shared.Web;

namespace Catalog.Domain;

/// <summary>A book's state: the fold of the book's events. Version 0 means the book does not exist.</summary>
public sealed record Book(string BookId, string AuthorId, string Title, string Genre, decimal Price, long Version)
{
    public static Book None(string bookId) => new(bookId, "", "", "", 0m, 0);

    public bool Exists => Version > 0;

    public static Book Fold(string bookId, IEnumerable<object> events) =>
        events.Aggregate(None(bookId), Apply);

    public static Book Apply(Book state, object @event) => @event switch
    {
        BookAdded e => state with
        {
            AuthorId = e.AuthorId, Title = e.Title, Genre = e.Genre, Price = e.Price, Version = state.Version + 1,
        },
        _ => state with { Version = state.Version + 1 },
    };

    public static IReadOnlyList<object> Add(Book state, string authorId, string title, string genre, decimal price) =>
        state.Exists
            ? throw new ConflictException($"Book '{state.BookId}' already exists.")
            : [new BookAdded(state.BookId, authorId, title, genre, price)];
}
