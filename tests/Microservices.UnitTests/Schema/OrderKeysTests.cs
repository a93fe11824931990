using Orders.Domain;

namespace Microservices.UnitTests.Schema;

/// <summary>The Orders keys, built from TableSchema's templates, sort and separate the way the access patterns need.</summary>
public sealed class OrderKeysTests
{
    [Fact]
    public void An_orders_lines_sort_right_after_it_and_before_the_next_order()
    {
        // .NET's UUIDv7 is time-ordered to the millisecond only (random within it), so the test picks two milliseconds.
        var older = Guid.CreateVersion7(new DateTimeOffset(2026, 11, 24, 12, 0, 0, 1, TimeSpan.Zero)).ToString("N");
        var newer = Guid.CreateVersion7(new DateTimeOffset(2026, 11, 24, 12, 0, 0, 2, TimeSpan.Zero)).ToString("N");
        string[] keys =
        [
            Keys.Order("c", newer).SK,
            Keys.OrderLine("c", older, 10).SK,
            Keys.OrderLine("c", older, 2).SK,
            Keys.Order("c", older).SK,
        ];

        Assert.Equal(
            [Keys.Order("c", older).SK, Keys.OrderLine("c", older, 2).SK, Keys.OrderLine("c", older, 10).SK, Keys.Order("c", newer).SK],
            keys.Order(StringComparer.Ordinal));
        Assert.All(keys[1..3], k => Assert.StartsWith(Keys.OrderWithLinesPrefix(older), k, StringComparison.Ordinal));
        Assert.DoesNotContain(keys, k => k != Keys.Order("c", newer).SK && k.StartsWith(Keys.OrderWithLinesPrefix(newer), StringComparison.Ordinal));
    }

    [Fact]
    public void Orders_share_their_clients_partition_and_the_stats_item_is_not_an_order()
    {
        var clientId = Ids.New();

        Assert.Equal(Keys.Client(clientId).PK, Keys.Order(clientId, Ids.New()).PK);
        Assert.Equal(Keys.Client(clientId).PK, Keys.ClientOrderStats(clientId).PK);
        Assert.False(Keys.ClientOrderStats(clientId).SK.StartsWith(Keys.OrdersPrefix, StringComparison.Ordinal));
        Assert.False(Keys.Client(clientId).SK.StartsWith(Keys.OrdersPrefix, StringComparison.Ordinal));
    }

    [Fact]
    public void Status_index_keys_sort_orders_by_the_time_they_were_placed()
    {
        var earlier = Keys.OrderStatusSortKey(OrderItems.Timestamp(new DateTimeOffset(2026, 1, 9, 23, 59, 59, TimeSpan.FromHours(2))), Ids.New());
        var later = Keys.OrderStatusSortKey(OrderItems.Timestamp(new DateTimeOffset(2026, 1, 10, 0, 0, 0, TimeSpan.Zero)), Ids.New());

        Assert.True(string.CompareOrdinal(earlier, later) < 0);
        Assert.Equal("ORDERSTATUS#placed", Keys.OrderStatusIndexKey("placed"));
    }

    [Fact]
    public void An_idempotency_key_cannot_reach_into_another_services_keys()
    {
        Assert.NotEqual(Keys.Idempotency("orders", "a#b").PK, Keys.Idempotency("orders#a", "b").PK);
        Assert.Equal("IDEMPOTENCY#orders#a%23b", Keys.Idempotency("orders", "a#b").PK);
    }

    [Fact]
    public void Every_orders_item_type_is_declared_with_its_access_patterns()
    {
        foreach (var type in new[] { ItemTypes.Order, ItemTypes.OrderLine, ItemTypes.BookSale, ItemTypes.ClientOrderStats, ItemTypes.BookSales, ItemTypes.Idempotency })
        {
            Assert.Contains(TableSchema.ItemTypeSpecs, spec => spec.Name == type);
        }

        var order = TableSchema.Find(ItemTypes.Order);
        Assert.Equal(
            [(Attributes.ClientName, ItemTypes.Client, Attributes.Name, Attributes.ClientVersion), (Attributes.ClientEmail, ItemTypes.Client, Attributes.Email, Attributes.ClientVersion)],
            order.Copies.Select(c => (c.Attribute, c.SourceItemType, c.SourceAttribute, c.VersionAttribute)));
        Assert.Equal(7, TableSchema.AccessPatterns.Count(p => p.Service == "Orders")); // the list and the read in both shapes of migration 3
    }
}
