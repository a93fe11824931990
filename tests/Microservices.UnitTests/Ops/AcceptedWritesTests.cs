using Ops.Soak;

namespace Microservices.UnitTests.Ops;

/// <summary>How the soak tells a lost update from serialisable acceptances, by the versions the API answered; no I/O.</summary>
public sealed class AcceptedWritesTests
{
    private const string Book = "book-0193b7";

    [Fact]
    public void A_change_to_the_value_the_item_has_beside_one_real_change_from_the_same_version_is_no_lost_update()
    {
        // A conflict burst from version 4: the price the book already has (no event, answered at 4) and a new price.
        var writes = new AcceptedWrites();
        writes.Accepted(Book, expected: 4, answered: 4);
        writes.Accepted(Book, expected: 4, answered: 5);

        Assert.Equal(0, writes.LostUpdates);
        Assert.Empty(writes.LostUpdateList());
        Assert.Equal(1, writes.Unchanged);
        Assert.Equal(1, writes.SharedWithoutLoss);
    }

    [Fact]
    public void Two_accepted_writes_that_each_moved_the_stream_from_the_same_version_are_a_lost_update()
    {
        var writes = new AcceptedWrites();
        writes.Accepted(Book, expected: 4, answered: 5);
        writes.Accepted(Book, expected: 4, answered: 5);

        Assert.Equal(1, writes.LostUpdates);
        var lost = Assert.Single(writes.LostUpdateList());
        Assert.Equal((Book, 4L), (lost.Stream, lost.From));
        Assert.Equal([5L, 5L], lost.Answered);
        Assert.Equal(0, writes.SharedWithoutLoss);
    }

    [Fact]
    public void Three_writes_that_moved_one_stream_from_one_version_lose_two_updates_even_beside_a_no_op()
    {
        var writes = new AcceptedWrites();
        foreach (var answered in new long[] { 8, 7, 8, 8 })
        {
            writes.Accepted(Book, expected: 7, answered);
        }

        Assert.Equal(2, writes.LostUpdates);
        Assert.Equal(new long[] { 8, 8, 8 }, Assert.Single(writes.LostUpdateList()).Answered);
    }

    [Fact]
    public void Writes_from_the_same_version_of_different_streams_lose_nothing()
    {
        var writes = new AcceptedWrites();
        writes.Accepted("author-0193a1", expected: 2, answered: 3);
        writes.Accepted(Book, expected: 2, answered: 3);

        Assert.Equal(0, writes.LostUpdates);
        Assert.Equal(0, writes.SharedWithoutLoss);
    }

    [Fact]
    public void A_serial_history_of_changes_and_no_ops_never_counts_a_lost_update()
    {
        // Every write sent at the stream's current version: a change moves it one (or more) on, a no-op leaves it.
        Gen.Int[0, 3].Array[0, 40].Sample(steps =>
        {
            var writes = new AcceptedWrites();
            var version = 1L;
            foreach (var events in steps)
            {
                writes.Accepted(Book, version, version + events);
                version += events;
            }

            return writes.LostUpdates == 0 && writes.Unchanged == steps.Count(events => events == 0);
        });
    }
}
