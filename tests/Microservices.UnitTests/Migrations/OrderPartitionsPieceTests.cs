using Microservices.Migrations;
using Microservices.Schema.Migrations;


namespace Microservices.UnitTests.Migrations;

/// <summary>Migration 3's pure pieces: the keys of both shapes, an order's move as one transaction, the cursors of both shapes.</summary>
public sealed class OrderPartitionsPieceTests
{
    private const string ClientId = "0123456789abcdef0123456789abcdef";
    private const string OrderId = "fedcba9876543210fedcba9876543210";

    private static Dictionary<string, AttributeValue> Head() => new()
    {
        [Attributes.PK] = new(Keys.Order(ClientId, OrderId).PK),
        [Attributes.SK] = new(Keys.Order(ClientId, OrderId).SK),
        [Attributes.ItemType] = new(ItemTypes.Order),
        [Attributes.OrderId] = new(OrderId),
        [Attributes.ClientId] = new(ClientId),
        [Attributes.Version] = new() { N = "2" },
        [Attributes.ClientVersion] = new() { N = "5" },
    };

    private static Dictionary<string, AttributeValue> Line(int lineNo) => new()
    {
        [Attributes.PK] = new(Keys.OrderLine(ClientId, OrderId, lineNo).PK),
        [Attributes.SK] = new(Keys.OrderLine(ClientId, OrderId, lineNo).SK),
        [Attributes.ItemType] = new(ItemTypes.OrderLine),
        [Attributes.OrderId] = new(OrderId),
        [Attributes.LineNo] = new() { N = $"{lineNo}" },
    };

    [Fact]
    public void The_new_shape_puts_head_and_lines_in_the_orders_partition_and_only_the_head_in_GSI2()
    {
        var head = OrderPartitions.InOrderPartition(Head());
        var line = OrderPartitions.InOrderPartition(Line(12));

        Assert.Equal(($"ORDER#{OrderId}", "ORDER", $"CLIENTORDERS#{ClientId}", $"ORDER#{OrderId}"),
            (head[Attributes.PK].S, head[Attributes.SK].S, head[Attributes.GSI2PK].S, head[Attributes.GSI2SK].S));
        Assert.Equal(($"ORDER#{OrderId}", "LINE#012"), (line[Attributes.PK].S, line[Attributes.SK].S));
        Assert.False(line.ContainsKey(Attributes.GSI2PK));
        Assert.Equal(Head(), OrderPartitions.InClientPartition(head, ClientId), new ItemComparer());
        Assert.Equal(Line(12), OrderPartitions.InClientPartition(line, ClientId), new ItemComparer());
    }

    [Fact]
    public void The_lines_prefix_of_an_order_in_its_clients_partition_takes_its_lines_and_not_the_order()
    {
        var prefix = Keys.OrderLinesPrefix(OrderId);

        Assert.StartsWith(prefix, Keys.OrderLine(ClientId, OrderId, 1).SK, StringComparison.Ordinal);
        Assert.False(Keys.Order(ClientId, OrderId).SK.StartsWith(prefix, StringComparison.Ordinal));
        Assert.Equal(OrderId, Keys.OrderIdOf(Keys.Order(ClientId, OrderId).SK));
        Assert.Null(Keys.OrderIdOf("ORDER#not-an-id"));
    }

    [Fact]
    public void A_move_deletes_the_guarded_head_and_its_lines_and_puts_them_where_none_are_in_one_change()
    {
        var before = new List<Dictionary<string, AttributeValue>> { Head(), Line(1), Line(2) };

        var move = ItemChange.Move("T", before, [.. before.Select(OrderPartitions.InOrderPartition)], [Attributes.Version, Attributes.ClientVersion]);

        Assert.Equal(6, move.Writes.Count);
        Assert.Equal("attribute_exists(PK) AND #g0 = :g0 AND #g1 = :g1", move.Writes[0].Delete.ConditionExpression);
        Assert.Equal(("2", "5"), (move.Writes[0].Delete.ExpressionAttributeValues[":g0"].N, move.Writes[0].Delete.ExpressionAttributeValues[":g1"].N));
        Assert.All(move.Writes.Skip(1).Take(2), w => Assert.Equal("attribute_exists(PK)", w.Delete.ConditionExpression));
        Assert.All(move.Writes.Skip(3), w => Assert.Equal("attribute_not_exists(PK)", w.Put.ConditionExpression));
        Assert.Equal(12, BackfillPass.WriteUnits(move)); // six items under 1 KB, two units each
    }

    [Fact]
    public void A_cursor_may_carry_either_of_the_prefixes_an_attribute_is_given_and_no_other()
    {
        var shape = new CursorShape([Attributes.PK, Attributes.SK], [], [(Attributes.PK, "CLIENT#"), (Attributes.PK, "ORDER#"), (Attributes.SK, "ORDER")]);
        string Cursor(string pk, string sk) => Pages.Encode(new Dictionary<string, AttributeValue> { [Attributes.PK] = new(pk), [Attributes.SK] = new(sk) }, shape);

        Assert.NotNull(Pages.Read(null, Cursor("CLIENT#c", "ORDER#o"), shape, out _, out _));
        Assert.NotNull(Pages.Read(null, Cursor("ORDER#o", "ORDER"), shape, out _, out _));
        Assert.Null(Pages.Read(null, Cursor("AUTHOR#a", "ORDER"), shape, out _, out var cursorValid));
        Assert.False(cursorValid);
    }

    private sealed class ItemComparer : IEqualityComparer<Dictionary<string, AttributeValue>>
    {
        public bool Equals(Dictionary<string, AttributeValue>? x, Dictionary<string, AttributeValue>? y) =>
            x!.Count == y!.Count && x.All(a => y.TryGetValue(a.Key, out var b) && ItemChange.Same(a.Value, b));

        public int GetHashCode(Dictionary<string, AttributeValue> obj) => obj.Count;
    }
}
