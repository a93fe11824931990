using Catalog.Domain;
using Clients.Domain;
using Orders.Domain;

namespace Microservices.UnitTests.Domain;

/// <summary>
/// Every aggregate's state comes back from its snapshot exactly as the fold of its events made it (every property,
/// collections in their order, a client's phones still in the ordinal order of their types), and a snapshot that
/// cannot be read as the state is refused rather than read wrong. No I/O.
/// </summary>
public sealed class StateSnapshotTests
{
    private const string Id = "0193c3aa0000700080000000000000a1";
    private const string Other = "0193c3aa0000700080000000000000b2";

    [Fact]
    public void An_authors_state_comes_back_from_its_snapshot_exactly()
    {
        RoundTrips(Author.Fold(Id, [new AuthorRegistered(Id, "Frank Herbert"), new AuthorRenamed(Id, "Franklin Herbert")]));
        RoundTrips(Author.Fold(Id, [new AuthorRegistered(Id, "Gone"), new AuthorDeleted(Id)]));
    }

    [Fact]
    public void A_books_state_comes_back_from_its_snapshot_exactly_its_price_with_its_scale()
    {
        var book = Book.Fold(Id,
        [
            new BookAdded(Id, Other, "Dune", "science-fiction", 10.99m, "GBP"),
            new BookPriceChanged(Id, Other, 12.50m),
            new BookGenreChanged(Id, Other, "science-fiction", "classics"),
            new BookRetitled(Id, Other, "Dune", "Dune Messiah"),
        ]);

        var back = RoundTrips(book);

        Assert.Equal("12.50", back.Price.ToString(System.Globalization.CultureInfo.InvariantCulture));
        RoundTrips(Book.Apply(book, new BookDeleted(Id, Other, "Dune Messiah", "classics")));
    }

    [Fact]
    public void A_clients_state_comes_back_from_its_snapshot_exactly_its_phones_in_ordinal_order()
    {
        // Ordinally "Work" sorts before "home"; a culture's comparer would put "home" first.
        var client = Client.Fold(Id,
        [
            new ClientRegistered(Id, "Malin Persson", "malin@example.se", new Dictionary<string, string> { ["home"] = "040-12 34 56", ["Work"] = "040-99" }),
            new ClientPhoneSet(Id, "mobile", "+46 70 123 45 67"),
            new ClientAddressAdded(Id, "0193c3aa0000700080000000000000c1", "Storgatan 1", "Malmö", "211 34", "SE"),
            new ClientAddressAdded(Id, "0193c3aa0000700080000000000000c2", "Lilla torg 2", "Lund", "222 21", "SE"),
            new ClientDetailsChanged(Id, "Malin Persson-Berg", "malin@example.com"),
        ]);

        var back = RoundTrips(client);

        Assert.Equal(["Work", "home", "mobile"], back.Phones.Keys);
        Assert.Equal(["Work", "home", "mobile", "zz"], Client.Apply(back, new ClientPhoneSet(Id, "zz", "1")).Phones.Keys);
        RoundTrips(Client.Fold(Id, [new ClientRegistered(Id, "No Phones", "none@example.se", new Dictionary<string, string>())]));
    }

    [Fact]
    public void An_orders_state_comes_back_from_its_snapshot_exactly_its_lines_in_order_and_its_time_to_the_tick()
    {
        var placedAt = new DateTimeOffset(2026, 11, 30, 14, 5, 9, TimeSpan.FromHours(2)).AddTicks(1234567);
        var order = Order.Fold(Id,
        [
            new OrderPlaced(Id, Other,
            [
                new OrderLine(1, "0193c3aa0000700080000000000000d1", "0193c3aa0000700080000000000000e1", "Dune", 10.90m, 2),
                new OrderLine(2, "0193c3aa0000700080000000000000d2", "0193c3aa0000700080000000000000e1", "Messiah", 7.30m, 1),
            ], placedAt),
            new OrderPaid(Id, Other),
        ]);

        var back = RoundTrips(order);

        Assert.Equal((placedAt, placedAt.Offset), (back.PlacedAt, back.PlacedAt.Offset));
        Assert.Equal(OrderStatus.Paid, back.Status);
        RoundTrips(Order.Apply(order, new OrderCancelled(Id, Other)));
    }

    [Fact]
    public void A_snapshot_is_refused_when_its_version_is_not_the_events()
    {
        var snapshot = StateSnapshot.Write(Author.Fold(Id, [new AuthorRegistered(Id, "Frank Herbert")]));

        Assert.False(StateSnapshot.TryRead<Author>(snapshot, 2, out _));
    }

    [Theory]
    [InlineData("""{"authorId":"a","name":"n","version":1,"deleted":false,"nickname":"x"}""")] // a property the state does not have
    [InlineData("""{"authorId":"a","version":1,"deleted":false}""")] // a property the state needs, missing
    [InlineData("""{"authorId":"a","name":null,"version":1,"deleted":false}""")] // a null the state does not allow
    [InlineData("""{"authorId":"a","name":"n","version":"one"}""")] // a property of another type
    [InlineData("not json")]
    public void A_snapshot_of_another_shape_is_refused_rather_than_read_wrong(string snapshot) =>
        Assert.False(StateSnapshot.TryRead<Author>(snapshot, 1, out _));

    [Fact]
    public void An_order_status_is_written_by_name_and_computed_properties_are_left_out()
    {
        var order = Order.Fold(Id, [new OrderPlaced(Id, Other, [new OrderLine(1, Other, Other, "Dune", 1m, 1)], DateTimeOffset.UnixEpoch)]);

        var snapshot = StateSnapshot.Write(order);

        Assert.Contains("\"status\":\"placed\"", snapshot, StringComparison.Ordinal);
        Assert.DoesNotContain("\"total\"", snapshot, StringComparison.Ordinal);
        Assert.DoesNotContain("\"exists\"", snapshot, StringComparison.Ordinal);
        Assert.DoesNotContain("\"amount\"", snapshot, StringComparison.Ordinal);
    }

    /// <summary>Every property equal (collections item by item) and the same JSON again, so an order kept or lost shows.</summary>
    private static TState RoundTrips<TState>(TState folded)
        where TState : IAggregateState
    {
        var snapshot = StateSnapshot.Write(folded);

        Assert.True(StateSnapshot.TryRead<TState>(snapshot, folded.Version, out var back), $"the snapshot reads back: {snapshot}");
        Assert.Equivalent(folded, back, strict: true);
        Assert.Equal(snapshot, StateSnapshot.Write(back));
        return back;
    }
}
