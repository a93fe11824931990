using Microservices.Messaging;

namespace Microservices.UnitTests.Messaging;

/// <summary>Message ids are what make a re-published event recognisable: the same event, the same id, always.</summary>
public sealed class EventIdsTests
{
    [Fact]
    public void The_same_stream_and_version_always_give_the_same_id()
    {
        Assert.Equal(EventIds.For("author", "0193aa", 3), EventIds.For("author", "0193aa", 3));
    }

    [Fact]
    public void Another_version_stream_or_stream_type_gives_another_id()
    {
        var ids = new[]
        {
            EventIds.For("author", "0193aa", 1),
            EventIds.For("author", "0193aa", 2),
            EventIds.For("author", "0193ab", 1),
            EventIds.For("book", "0193aa", 1),
            // Without a separator between the parts these two would hash the same text.
            EventIds.For("author", "1", 23),
            EventIds.For("author", "12", 3),
        };

        Assert.Equal(ids.Length, ids.Distinct().Count());
    }

    [Fact]
    public void Ids_are_well_formed_version_8_uuids()
    {
        var id = EventIds.For("book", "0193aa", 7);

        Assert.Equal(8, id.Version);
        Assert.Equal(0b10, id.Variant >> 2);
    }
}
