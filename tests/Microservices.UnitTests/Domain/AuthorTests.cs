using Catalog.Domain;

namespace Microservices.UnitTests.Domain;

/// <summary>Given an author's events, when a command (a delete too) is decided, then these events (or this refusal). No I/O.</summary>
public sealed class AuthorTests
{
    private const string Id = "0123456789abcdef0123456789abcdef";

    private static Author Given(params object[] events) => Author.Fold(Id, events);

    [Fact]
    public void Registering_a_new_author_decides_author_registered()
    {
        var events = Author.Register(Given(), "Malin Persson");

        Assert.Equal([new AuthorRegistered(Id, "Malin Persson")], events);
    }

    [Fact]
    public void Registering_an_existing_author_is_refused() =>
        Assert.Throws<ConflictException>(() => Author.Register(Given(new AuthorRegistered(Id, "A")), "B"));

    [Fact]
    public void Renaming_at_the_current_version_decides_author_renamed()
    {
        var events = Author.Rename(Given(new AuthorRegistered(Id, "Old")), "New", expectedVersion: 1);

        Assert.Equal([new AuthorRenamed(Id, "New")], events);
    }

    [Fact]
    public void Renaming_at_a_stale_version_is_refused_with_the_current_version()
    {
        var state = Given(new AuthorRegistered(Id, "A"), new AuthorRenamed(Id, "B"));

        var conflict = Assert.Throws<VersionConflictException>(() => Author.Rename(state, "C", expectedVersion: 1));

        Assert.Equal(2, conflict.CurrentVersion);
    }

    [Fact]
    public void Renaming_to_the_current_name_decides_nothing() =>
        Assert.Empty(Author.Rename(Given(new AuthorRegistered(Id, "Same")), "Same", expectedVersion: 1));

    [Fact]
    public void Renaming_an_author_that_does_not_exist_is_not_found() =>
        Assert.Throws<NotFoundException>(() => Author.Rename(Given(), "Anyone", expectedVersion: 1));

    [Fact]
    public void The_fold_holds_the_last_name_and_counts_every_event() =>
        Gen.String[1, 20].List[0, 10].Sample(names =>
        {
            var events = new List<object> { new AuthorRegistered(Id, "First") };
            events.AddRange(names.Select(n => new AuthorRenamed(Id, n)));

            var state = Given([.. events]);

            Assert.Equal(names.Count > 0 ? names[^1] : "First", state.Name);
            Assert.Equal(events.Count, state.Version);
        });

    // Deleting

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
