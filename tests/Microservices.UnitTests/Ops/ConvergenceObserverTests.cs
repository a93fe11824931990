using System.Globalization;
using Amazon.DynamoDBv2.Model;
using Microservices.Schema;
using Microservices.Streams.Lambda;
using Ops.Soak;

namespace Microservices.UnitTests.Ops;

/// <summary>The soak's lag: from a copied change's commit to the last of its copies, and only after a warm-up.</summary>
public sealed class ConvergenceObserverTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_change_is_followed_to_the_copy_that_caught_up_last()
    {
        var observer = new ConvergenceObserver();

        await SeeAsync(observer, Copy("b1", authorVersion: 1), Copy("b2", authorVersion: 1), Renamed(version: 2, Start));
        await SeeAsync(observer, Copy("b1", authorVersion: 2));
        await SeeAsync(observer, Copy("b2", authorVersion: 2));

        var sample = Assert.Single(observer.Samples());
        Assert.Equal(("author", "a1", 2L, 2), (sample.Stream, sample.Id, sample.Version, sample.Copies));
    }

    [Fact]
    public async Task Changes_committed_before_the_measured_window_are_left_out_of_the_samples()
    {
        var observer = new ConvergenceObserver();
        await SeeAsync(observer, Copy("b1", authorVersion: 1), Renamed(version: 2, Start), Renamed(version: 3, Start.AddMinutes(1)));
        await SeeAsync(observer, Copy("b1", authorVersion: 3));
        Assert.Equal([2L, 3L], observer.Samples().Select(s => s.Version));

        observer.MeasureFrom(Start.AddSeconds(30));

        Assert.Equal([3L], observer.Samples().Select(s => s.Version));
    }

    private static Task<StreamsEventResponse> SeeAsync(ConvergenceObserver observer, params Dictionary<string, AttributeValue>[] images) =>
        observer.HandleAsync(new DynamoDbEvent
        {
            Records = [.. images.Select((image, i) => new DynamoDbStreamRecord
            {
                EventId = $"e{i}",
                EventName = "INSERT",
                Dynamodb = new StreamRecord { NewImage = image, SequenceNumber = i.ToString(CultureInfo.InvariantCulture) },
            })],
        }, CancellationToken.None);

    private static Dictionary<string, AttributeValue> Renamed(long version, DateTimeOffset at) => new()
    {
        [Attributes.ItemType] = new(ItemTypes.Event),
        [Attributes.EventType] = new("author.renamed.v1"),
        [Attributes.StreamType] = new("author"),
        [Attributes.StreamId] = new("a1"),
        [Attributes.Version] = new() { N = version.ToString(CultureInfo.InvariantCulture) },
        [Attributes.RecordedAt] = new(at.ToString("O", CultureInfo.InvariantCulture)),
    };

    private static Dictionary<string, AttributeValue> Copy(string book, long authorVersion) => new()
    {
        [Attributes.ItemType] = new(ItemTypes.GenreBook),
        [Attributes.BookId] = new(book),
        [Attributes.AuthorId] = new("a1"),
        [Attributes.BookVersion] = new() { N = "1" },
        [Attributes.AuthorVersion] = new() { N = authorVersion.ToString(CultureInfo.InvariantCulture) },
    };
}
