using System.Diagnostics;
using Microservices.Messaging;
using Microservices.ServiceDefaults;
using Microservices.Streams.Lambda;

namespace Microservices.UnitTests.Telemetry;

/// <summary>What a consumer gets for records that carry no usable trace context: default, never an exception.</summary>
public sealed class StreamTraceContextTests
{
    [Theory]
    [InlineData("")]
    [InlineData("not a traceparent")]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331")]
    [InlineData("00-00000000000000000000000000000000-b7ad6b7169203331-01")]
    [InlineData("00-0AF7651916CD43DD8448EB211C80319C-B7AD6B7169203331-01")]
    public void A_malformed_traceparent_gives_no_parent(string traceParent)
    {
        var record = Record(new() { [Attributes.TraceParent] = new AttributeValue(traceParent) });

        Assert.Equal(default, StreamTraceContext.ParentOf(record));
    }

    [Fact]
    public void A_record_without_a_traceparent_gives_no_parent()
    {
        Assert.Equal(default, StreamTraceContext.ParentOf(Record(new() { [Attributes.ItemType] = new AttributeValue(ItemTypes.Event) })));
    }

    [Fact]
    public void A_record_without_a_new_image_gives_no_parent()
    {
        Assert.Equal(default, StreamTraceContext.ParentOf(Record(newImage: null)));
    }

    [Fact]
    public void A_traceparent_stored_as_a_number_gives_no_parent()
    {
        Assert.Equal(default, StreamTraceContext.ParentOf(Record(new() { [Attributes.TraceParent] = new AttributeValue { N = "1" } })));
    }

    [Fact]
    public void A_stamped_activity_reads_back_as_its_own_context()
    {
        using var activity = new Activity("append").SetIdFormat(ActivityIdFormat.W3C).Start();
        activity.TraceStateString = "vendor=blue";
        var item = new Dictionary<string, AttributeValue>();

        EventTraceContext.Stamp(item, activity);

        var parent = StreamTraceContext.ParentOf(Record(item));
        Assert.Equal(activity.TraceId, parent.TraceId);
        Assert.Equal(activity.SpanId, parent.SpanId);
        Assert.Equal("vendor=blue", parent.TraceState);
    }

    [Fact]
    public void No_activity_stamps_nothing()
    {
        var item = new Dictionary<string, AttributeValue>();

        EventTraceContext.Stamp(item, activity: null);

        Assert.Empty(item);
    }

    private static DynamoDbStreamRecord Record(Dictionary<string, AttributeValue>? newImage) => new()
    {
        EventId = "1",
        EventName = StreamEventName.Insert,
        Dynamodb = new StreamRecord { SequenceNumber = "100", NewImage = newImage },
    };
}
