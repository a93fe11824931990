using System.Globalization;
using Catalog.Domain;
using Microservices.EventSourcing;
using Microservices.ServiceDefaults;

namespace Catalog.Api;

public static class CatalogRoutes
{
    /// <summary>An id that we could never have issued names nothing: 404, the same as an unknown one.</summary>
    public static void RequireId(string id, string resource)
    {
        if (!Ids.IsValid(id))
        {
            throw new NotFoundException(resource, id);
        }
    }

    /// <summary>
    /// A book by its id: the fold of its own stream (one strongly consistent Query on STREAM#book#{bookId}) gives its
    /// author, title and version, and so the key of its item, without an index. A book of another author, or a
    /// deleted one, is a 404 on this route.
    /// </summary>
    public static async Task<Book> LoadBookAsync(EventStore store, string authorId, string bookId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var book = Book.Fold(bookId, (await store.ReadAsync(CatalogEvents.Book(bookId), cancellationToken)).Select(e => e.Data));
        return book.Exists && book.AuthorId == authorId ? book : throw new NotFoundException("Book", bookId);
    }

    public static Validation ExpectedVersion(this Validation validation, long? expectedVersion) =>
        validation
            .Require(expectedVersion is not null, "expectedVersion", "expectedVersion is required.")
            .Require(expectedVersion is null or > 0, "expectedVersion", "expectedVersion must be at least 1.");

    /// <summary>An expected version given in the query string (DELETE has no body).</summary>
    public static Validation ExpectedVersion(this Validation validation, string? expectedVersion, out long version)
    {
        version = 0;
        var read = expectedVersion is not null && long.TryParse(expectedVersion, NumberStyles.None, CultureInfo.InvariantCulture, out version);
        return validation
            .Require(expectedVersion is not null, "expectedVersion", "expectedVersion is required.")
            .Require(expectedVersion is null || (read && version > 0), "expectedVersion", "expectedVersion must be a whole number of at least 1.");
    }
}
