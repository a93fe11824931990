using Catalog.Domain;
using Microservices.Contracts.Catalog;

namespace Microservices.UnitTests.Domain;

/// <summary>book.added.v2 and the events stored before it: the upcaster, the version chain, the snapshots of before.</summary>
public sealed class BookAddedVersionTests
{
    private const string BookId = "fedcba9876543210fedcba9876543210";
    private const string AuthorId = "0123456789abcdef0123456789abcdef";

    [Fact]
    public void A_stored_v1_event_is_read_as_v2_priced_in_the_currency_prices_had_before()
    {
        const string stored = """{"bookId":"fedcba9876543210fedcba9876543210","authorId":"0123456789abcdef0123456789abcdef","title":"Dune","genre":"science-fiction","price":10.99}""";

        var read = CatalogEvents.Types.Deserialize("book.added.v1", stored);

        Assert.Equal(new BookAdded(BookId, AuthorId, "Dune", "science-fiction", 10.99m, "EUR"), read);
        Assert.True(CatalogEvents.Types.Knows("book.added.v1"));
    }

    [Fact]
    public void A_new_event_is_written_and_read_as_v2_with_its_currency()
    {
        var added = new BookAdded(BookId, AuthorId, "Dune", "science-fiction", 10.99m, "SEK");

        var name = CatalogEvents.Types.NameOf(added);

        Assert.Equal("book.added.v2", name);
        Assert.Equal(added, CatalogEvents.Types.Deserialize(name, EventTypeMap.Serialize(added)));
    }

    [Fact]
    public void The_version_chain_names_the_older_name_beside_the_current_one()
    {
        var chain = Assert.Single(CatalogEvents.Types.Chains, c => c.Type == typeof(BookAdded));

        Assert.Equal("book.added.v2", chain.Name);
        Assert.Equal(["book.added.v1"], chain.Older);
        Assert.All(CatalogEvents.Types.Chains.Where(c => c.Type != typeof(BookAdded)), c => Assert.Empty(c.Older));
    }

    [Fact]
    public void An_older_name_must_follow_its_current_one_and_cannot_take_a_name_in_use()
    {
        Assert.Throws<InvalidOperationException>(() => new EventTypeMap().Upcast<BookAddedV1Data, BookAdded>("book.added.v1", v1 => v1.Upcast()));
        var map = new EventTypeMap().Add<BookAdded>("book.added.v2");
        Assert.Throws<InvalidOperationException>(() => map.Upcast<BookAddedV1Data, BookAdded>("book.added.v2", v1 => v1.Upcast()));
    }

    [Fact]
    public void A_books_snapshot_from_before_currencies_is_refused_so_its_stream_is_folded_again()
    {
        const string before = """{"bookId":"fedcba9876543210fedcba9876543210","authorId":"0123456789abcdef0123456789abcdef","title":"Dune","genre":"science-fiction","price":10.99,"version":1,"deleted":false}""";

        Assert.False(StateSnapshot.TryRead<Book>(before, 1, out _));
    }

    [Fact]
    public void The_v2_contract_is_a_v1_contract_so_v1_consumers_still_take_it()
    {
        var contract = CatalogEvents.Types.ContractOf(
            new BookAdded(BookId, AuthorId, "Dune", "science-fiction", 10.99m, "USD"),
            new EventEnvelope(CatalogEvents.Book(BookId), 1, DateTimeOffset.UnixEpoch));

        var v2 = Assert.IsType<BookAddedV2>(contract);
        Assert.Equal("USD", v2.Currency);
        BookAddedV1 v1 = v2;
        Assert.Equal(10.99m, v1.Price);
    }
}
