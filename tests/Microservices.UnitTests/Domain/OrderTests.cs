using Orders.Domain;

namespace Microservices.UnitTests.Domain;

/// <summary>The order's status machine, Given/When/Then, without I/O: placed -> paid -> shipped, placed | paid -> cancelled.</summary>
public sealed class OrderTests
{
    private const string OrderId = "0193d4aa00000000000000000000000a";
    private const string ClientId = "0193c2aa00000000000000000000000c";
    private static readonly DateTimeOffset PlacedAt = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private static readonly OrderLine[] Lines =
    [
        new(1, "b1", "a1", "Dune", 10.99m, 2),
        new(2, "b2", "a1", "Dune Messiah", 9.99m, 1),
    ];

    private static Order Given(params object[] events) => Order.Fold(OrderId, events);

    private static OrderPlaced Placed => new(OrderId, ClientId, Lines, PlacedAt);

    [Fact]
    public void Placing_a_new_order_decides_order_placed_with_the_lines()
    {
        var events = Order.Place(Given(), ClientId, Lines, PlacedAt);

        var placed = Assert.IsType<OrderPlaced>(Assert.Single(events));
        Assert.Equal(Placed with { Lines = placed.Lines }, placed);
        Assert.Equal(Lines, placed.Lines);
    }

    [Fact]
    public void A_placed_order_is_placed_at_version_1_with_its_total()
    {
        var order = Given(Placed);

        Assert.Equal(OrderStatus.Placed, order.Status);
        Assert.Equal(1, order.Version);
        Assert.Equal(ClientId, order.ClientId);
        Assert.Equal(31.97m, order.Total);
    }

    [Fact]
    public void Placing_an_order_that_exists_is_a_conflict() =>
        Assert.Throws<ConflictException>(() => Order.Place(Given(Placed), ClientId, Lines, PlacedAt));

    [Fact]
    public void Placing_an_order_without_lines_is_refused() =>
        Assert.Throws<ArgumentException>(() => Order.Place(Given(), ClientId, [], PlacedAt));

    [Fact]
    public void Placing_a_line_with_no_units_is_refused() =>
        Assert.Throws<ArgumentException>(() => Order.Place(Given(), ClientId, [Lines[0] with { Quantity = 0 }], PlacedAt));

    [Fact]
    public void Paying_a_placed_order_decides_order_paid()
    {
        var events = Order.Pay(Given(Placed), 1);

        Assert.Equal(new OrderPaid(OrderId, ClientId), Assert.Single(events));
        Assert.Equal(OrderStatus.Paid, events.Aggregate(Given(Placed), Order.Apply).Status);
    }

    [Fact]
    public void Shipping_a_paid_order_decides_order_shipped()
    {
        var events = Order.Ship(Given(Placed, new OrderPaid(OrderId, ClientId)), 2);

        Assert.Equal(new OrderShipped(OrderId, ClientId), Assert.Single(events));
    }

    [Fact]
    public void Cancelling_a_placed_or_paid_order_decides_order_cancelled()
    {
        Assert.Equal(new OrderCancelled(OrderId, ClientId), Assert.Single(Order.Cancel(Given(Placed), 1)));
        Assert.Equal(new OrderCancelled(OrderId, ClientId), Assert.Single(Order.Cancel(Given(Placed, new OrderPaid(OrderId, ClientId)), 2)));
    }

    [Fact]
    public void Shipping_a_placed_order_is_an_illegal_transition() =>
        Assert.Throws<ConflictException>(() => Order.Ship(Given(Placed), 1));

    [Fact]
    public void Paying_a_paid_order_is_an_illegal_transition() =>
        Assert.Throws<ConflictException>(() => Order.Pay(Given(Placed, new OrderPaid(OrderId, ClientId)), 2));

    [Fact]
    public void Cancelling_a_shipped_order_is_an_illegal_transition() =>
        Assert.Throws<ConflictException>(() =>
            Order.Cancel(Given(Placed, new OrderPaid(OrderId, ClientId), new OrderShipped(OrderId, ClientId)), 3));

    [Fact]
    public void Nothing_follows_a_cancelled_order()
    {
        var cancelled = Given(Placed, new OrderCancelled(OrderId, ClientId));

        Assert.Throws<ConflictException>(() => Order.Pay(cancelled, 2));
        Assert.Throws<ConflictException>(() => Order.Ship(cancelled, 2));
        Assert.Throws<ConflictException>(() => Order.Cancel(cancelled, 2));
    }

    [Fact]
    public void A_stale_expected_version_is_a_version_conflict_carrying_the_current_version()
    {
        var conflict = Assert.Throws<VersionConflictException>(() => Order.Pay(Given(Placed), 2));

        Assert.Equal(1, conflict.CurrentVersion);
    }

    [Fact]
    public void Changing_an_order_that_does_not_exist_is_not_found() =>
        Assert.Throws<NotFoundException>(() => Order.Cancel(Given(), 1));

    [Fact]
    public void Statuses_round_trip_through_their_api_names()
    {
        foreach (var status in new[] { OrderStatus.Placed, OrderStatus.Paid, OrderStatus.Shipped, OrderStatus.Cancelled })
        {
            Assert.True(OrderStatuses.TryParse(OrderStatuses.Name(status), out var parsed));
            Assert.Equal(status, parsed);
        }

        Assert.False(OrderStatuses.TryParse("none", out _));
        Assert.False(OrderStatuses.TryParse("Placed", out _));
    }
}
