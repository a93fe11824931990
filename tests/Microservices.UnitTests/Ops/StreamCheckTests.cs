using System.Globalization;
using Ops;

namespace Microservices.UnitTests.Ops;

/// <summary>The stream invariant on hand-made snapshots, no I/O: Given these items, When checked, Then these anomalies.</summary>
public sealed class StreamCheckTests
{
    private const string BookId = "0193b7";

    [Fact]
    public void A_contiguous_stream_with_its_canonical_item_at_the_last_version_is_clean()
    {
        var (streams, drifts) = StreamCheck.Check([Event(1, "book.added.v1"), Event(2, "book.price-changed.v1"), Book(2)]);

        Assert.Equal(1, streams);
        Assert.Empty(drifts);
    }

    [Fact]
    public void A_stream_ending_in_a_delete_needs_no_canonical_item()
    {
        Assert.Empty(StreamCheck.Check([Event(1, "book.added.v1"), Event(2, "book.deleted.v1")]).Drifts);
    }

    [Fact]
    public void A_canonical_item_left_after_its_delete_event_is_an_orphan()
    {
        var drift = Assert.Single(StreamCheck.Check([Event(1, "book.added.v1"), Event(2, "book.deleted.v1"), Book(1)]).Drifts);

        Assert.Equal(("orphan", Keys.Book("0193a1", "Dune")), (drift.Kind, drift.Key));
    }

    [Fact]
    public void A_live_stream_without_its_canonical_item_reports_it_missing_at_the_last_event()
    {
        var drift = Assert.Single(StreamCheck.Check([Event(1, "book.added.v1"), Event(2, "book.price-changed.v1")]).Drifts);

        Assert.Equal(("missing", Keys.Event("book", BookId, 2), ItemTypes.Book), (drift.Kind, drift.Key, drift.Field));
    }

    [Fact]
    public void Every_missing_version_is_a_gap_and_a_canonical_item_behind_the_stream_drifted()
    {
        var drifts = StreamCheck.Check([Event(2, "book.price-changed.v1"), Event(4, "book.price-changed.v1"), Book(3)]).Drifts;

        Assert.Equal(
            [
                new Drift("gap", Keys.Event("book", BookId, 1), Attributes.Version, "1", null),
                new Drift("gap", Keys.Event("book", BookId, 3), Attributes.Version, "3", null),
                new Drift("drifted", Keys.Book("0193a1", "Dune"), Attributes.Version, "4", "3"),
            ],
            drifts);
    }

    [Fact]
    public void A_canonical_item_without_a_stream_is_an_orphan()
    {
        var drift = Assert.Single(StreamCheck.Check([Book(1)]).Drifts);

        Assert.Equal(("orphan", $"no stream book {BookId}"), (drift.Kind, drift.Found));
    }

    private static Dictionary<string, AttributeValue> Event(long version, string type)
    {
        var key = Keys.Event("book", BookId, version);
        return new()
        {
            [Attributes.PK] = new(key.PK),
            [Attributes.SK] = new(key.SK),
            [Attributes.ItemType] = new(ItemTypes.Event),
            [Attributes.StreamType] = new("book"),
            [Attributes.StreamId] = new(BookId),
            [Attributes.Version] = new() { N = version.ToString(CultureInfo.InvariantCulture) },
            [Attributes.EventType] = new(type),
        };
    }

    private static Dictionary<string, AttributeValue> Book(long version)
    {
        var key = Keys.Book("0193a1", "Dune");
        return new()
        {
            [Attributes.PK] = new(key.PK),
            [Attributes.SK] = new(key.SK),
            [Attributes.ItemType] = new(ItemTypes.Book),
            [Attributes.BookId] = new(BookId),
            [Attributes.Version] = new() { N = version.ToString(CultureInfo.InvariantCulture) },
        };
    }
}
