using Microservices.EventSourcing;
using Microservices.SingleTable;

namespace Catalog.Domain;

/// <summary>An author's state: the fold of the author's events. Version 0 means the author does not exist.</summary>
public sealed record Author(string AuthorId, string Name, long Version, bool Deleted = false) : IAggregateState
{
    public static Author None(string authorId) => new(authorId, "", 0);

    public bool Exists => Version > 0 && !Deleted;

    public static Author Fold(string authorId, IEnumerable<object> events) =>
        events.Aggregate(None(authorId), Apply);

    public static Author Apply(Author state, object @event) => @event switch
    {
        AuthorRegistered e => state with { Name = e.Name, Version = state.Version + 1 },
        AuthorRenamed e => state with { Name = e.Name, Version = state.Version + 1 },
        AuthorDeleted => state with { Deleted = true, Version = state.Version + 1 },
        _ => state with { Version = state.Version + 1 },
    };

    public static IReadOnlyList<object> Register(Author state, string name) =>
        state.Exists
            ? throw new ConflictException($"Author '{state.AuthorId}' already exists.")
            : [new AuthorRegistered(state.AuthorId, name)];

    /// <summary>Renaming to the current name decides nothing, so a retried request cannot add a second event.</summary>
    public static IReadOnlyList<object> Rename(Author state, string name, long expectedVersion)
    {
        if (!state.Exists)
        {
            throw new NotFoundException("Author", state.AuthorId);
        }

        if (state.Version != expectedVersion)
        {
            throw new VersionConflictException(CatalogEvents.Author(state.AuthorId).ToString(), state.Version);
        }

        return state.Name == name ? [] : [new AuthorRenamed(state.AuthorId, name)];
    }

    /// <summary>An author is deleted only once their partition holds no book: a book never loses its author.</summary>
    public static IReadOnlyList<object> Delete(Author state, long expectedVersion, int booksRemaining)
    {
        if (!state.Exists)
        {
            throw new NotFoundException("Author", state.AuthorId);
        }

        if (state.Version != expectedVersion)
        {
            throw new VersionConflictException(CatalogEvents.Author(state.AuthorId).ToString(), state.Version);
        }

        return booksRemaining > 0
            ? throw new ConflictException($"Author '{state.AuthorId}' still has books; delete them first.")
            : [new AuthorDeleted(state.AuthorId)];
    }
}
