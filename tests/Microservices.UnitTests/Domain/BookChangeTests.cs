using Catalog.Domain;

namespace Microservices.UnitTests.Domain;

/// <summary>Given a book's events, when a change is decided, then these events (or this refusal). No I/O.</summary>
public sealed class BookChangeTests
{
    private const string BookId = "fedcba9876543210fedcba9876543210";
    private const string AuthorId = "0123456789abcdef0123456789abcdef";

    private static readonly BookAdded Added = new(BookId, AuthorId, "Dune", "science-fiction", 10.99m, "EUR");

    private static Book Given(params object[] events) => Book.Fold(BookId, events);

    [Fact]
    public void Changing_the_price_at_the_current_version_decides_price_changed_and_folds_the_new_price()
    {
        var events = Book.ChangePrice(Given(Added), 12.50m, expectedVersion: 1);

        Assert.Equal([new BookPriceChanged(BookId, AuthorId, 12.50m)], events);
        Assert.Equal(Given(Added) with { Price = 12.50m, Version = 2 }, Book.Fold(BookId, [Added, .. events]));
    }

    [Fact]
    public void Changing_the_price_to_the_same_price_decides_nothing() =>
        Assert.Empty(Book.ChangePrice(Given(Added), 10.99m, expectedVersion: 1));

    [Fact]
    public void Changing_the_genre_decides_genre_changed_naming_the_old_genre()
    {
        var events = Book.ChangeGenre(Given(Added), "space-opera", expectedVersion: 1);

        Assert.Equal([new BookGenreChanged(BookId, AuthorId, "science-fiction", "space-opera")], events);
        Assert.Equal("space-opera", Book.Fold(BookId, [Added, .. events]).Genre);
    }

    [Fact]
    public void Changing_the_genre_to_the_same_genre_decides_nothing() =>
        Assert.Empty(Book.ChangeGenre(Given(Added), "science-fiction", expectedVersion: 1));

    [Fact]
    public void Retitling_decides_retitled_naming_the_old_title_and_folds_the_new_title()
    {
        var events = Book.Retitle(Given(Added), "Dune (50th anniversary)", expectedVersion: 1);

        Assert.Equal([new BookRetitled(BookId, AuthorId, "Dune", "Dune (50th anniversary)")], events);
        Assert.Equal(Given(Added) with { Title = "Dune (50th anniversary)", Version = 2 }, Book.Fold(BookId, [Added, .. events]));
    }

    [Fact]
    public void Retitling_to_the_same_title_decides_nothing() =>
        Assert.Empty(Book.Retitle(Given(Added), "Dune", expectedVersion: 1));

    [Fact]
    public void Deleting_decides_deleted_with_the_title_and_genre_and_the_book_no_longer_exists()
    {
        var events = Book.Delete(Given(Added, new BookPriceChanged(BookId, AuthorId, 5m)), expectedVersion: 2);

        Assert.Equal([new BookDeleted(BookId, AuthorId, "Dune", "science-fiction")], events);
        var deleted = Book.Fold(BookId, [Added, new BookPriceChanged(BookId, AuthorId, 5m), .. events]);
        Assert.False(deleted.Exists);
        Assert.Equal(3, deleted.Version);
    }

    [Fact]
    public void Every_change_at_a_stale_version_is_refused_with_the_current_version()
    {
        var state = Given(Added, new BookPriceChanged(BookId, AuthorId, 5m));
        var refusals = new Func<object>[]
        {
            () => Book.ChangePrice(state, 6m, expectedVersion: 1),
            () => Book.ChangeGenre(state, "fantasy", expectedVersion: 1),
            () => Book.Retitle(state, "Other", expectedVersion: 1),
            () => Book.Delete(state, expectedVersion: 1),
        };

        Assert.All(refusals, refuse => Assert.Equal(2, Assert.Throws<VersionConflictException>(refuse).CurrentVersion));
    }

    [Fact]
    public void Every_change_to_a_missing_or_deleted_book_is_not_found()
    {
        var deleted = Given(Added, new BookDeleted(BookId, AuthorId, "Dune", "science-fiction"));
        foreach (var state in new[] { Given(), deleted })
        {
            Assert.Throws<NotFoundException>(() => Book.ChangePrice(state, 6m, state.Version));
            Assert.Throws<NotFoundException>(() => Book.ChangeGenre(state, "fantasy", state.Version));
            Assert.Throws<NotFoundException>(() => Book.Retitle(state, "Other", state.Version));
            Assert.Throws<NotFoundException>(() => Book.Delete(state, state.Version));
        }
    }
}
