using Catalog.Domain;

namespace Microservices.UnitTests.Domain;

public sealed class BookTests
{
    private const string BookId = "fedcba9876543210fedcba9876543210";
    private const string AuthorId = "0123456789abcdef0123456789abcdef";

    [Fact]
    public void Adding_a_new_book_decides_book_added_and_folds_to_version_1()
    {
        var events = Book.Add(Book.None(BookId), AuthorId, "Dune", "science-fiction", 10.99m, "USD");

        Assert.Equal([new BookAdded(BookId, AuthorId, "Dune", "science-fiction", 10.99m, "USD")], events);
        Assert.Equal(new Book(BookId, AuthorId, "Dune", "science-fiction", 10.99m, "USD", 1), Book.Fold(BookId, events));
    }

    [Fact]
    public void Adding_a_book_that_exists_is_refused() =>
        Assert.Throws<ConflictException>(() =>
            Book.Add(Book.Fold(BookId, [new BookAdded(BookId, AuthorId, "Dune", "sf", 1m, "EUR")]), AuthorId, "Dune", "sf", 1m, "EUR"));
}
