using Catalog.Domain;
using Microservices.EventSourcing;

namespace Microservices.UnitTests.Domain;

/// <summary>Given an author's events, when a delete is decided, then author.deleted (or this refusal). No I/O.</summary>
public sealed class AuthorDeleteTests
{
    private const string Id = "0123456789abcdef0123456789abcdef";

    private static Author Given(params object[] events) => Author.Fold(Id, events);

    [Fact]
    public void Deleting_an_author_with_no_books_decides_author_deleted_and_the_author_no_longer_exists()
    {
        var registered = new AuthorRegistered(Id, "Malin Persson");

        var events = Author.Delete(Given(registered), expectedVersion: 1, booksRemaining: 0);

        Assert.Equal([new AuthorDeleted(Id)], events);
        var deleted = Author.Fold(Id, [registered, .. events]);
        Assert.False(deleted.Exists);
        Assert.Equal(2, deleted.Version);
    }

    [Fact]
    public void Deleting_an_author_who_still_has_books_is_refused_naming_the_books()
    {
        var refused = Assert.Throws<ConflictException>(() => Author.Delete(Given(new AuthorRegistered(Id, "A")), 1, booksRemaining: 1));

        Assert.Contains("still has books", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deleting_at_a_stale_version_is_refused_with_the_current_version() =>
        Assert.Equal(2, Assert.Throws<VersionConflictException>(() =>
            Author.Delete(Given(new AuthorRegistered(Id, "A"), new AuthorRenamed(Id, "B")), 1, 0)).CurrentVersion);

    [Fact]
    public void Deleting_or_renaming_a_deleted_author_is_not_found()
    {
        var deleted = Given(new AuthorRegistered(Id, "A"), new AuthorDeleted(Id));

        Assert.Throws<NotFoundException>(() => Author.Delete(deleted, 2, 0));
        Assert.Throws<NotFoundException>(() => Author.Rename(deleted, "B", 2));
    }
}
