using Microservices.EventSourcing;
using Microservices.Schema;
using Microservices.SingleTable;

namespace Catalog.Domain;

/// <summary>The catalog's aggregates for the command runner: their streams, folds and canonical items.</summary>
public static class CatalogAggregates
{
    public static Aggregate<Author> Authors { get; } = new(
        CatalogEvents.Author,
        Author.None,
        Author.Apply,
        change => [CanonicalWrite.Update(change.Table, CatalogItems.Author(change.After), change.Stream, change.Before.Version)]);

    /// <summary>
    /// The title is the book item's sort key: an add puts the item where no book of that title is (a title is taken
    /// once per author, 409), a retitle deletes the item under the old title (conditioned on the version loaded) and
    /// puts it under the new one, a delete deletes it; any other change updates it over the version loaded.
    /// </summary>
    public static Aggregate<Book> Books { get; } = new(CatalogEvents.Book, Book.None, Book.Apply, BookWrites);

    private static IEnumerable<GuardedWrite> BookWrites(Change<Book> change)
    {
        var (before, after) = (change.Before, change.After);
        if (after.Deleted || (before.Exists && before.Title != after.Title))
        {
            yield return GuardedWrite.Delete(change.Table, Keys.Book(before.AuthorId, before.Title), before.Version,
                () => new VersionConflictException(change.Stream.ToString(), before.Version));
        }

        if (after.Deleted)
        {
            yield break;
        }

        yield return before.Exists && before.Title == after.Title
            ? CanonicalWrite.Update(change.Table, CatalogItems.Book(after), change.Stream, before.Version)
            : GuardedWrite.PutNew(change.Table, CatalogItems.Book(after),
                () => new ConflictException($"Author '{after.AuthorId}' already has a book titled '{after.Title}'."));
    }
}
