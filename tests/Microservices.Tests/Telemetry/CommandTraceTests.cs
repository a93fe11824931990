using System.Diagnostics;
using Catalog.Api;
using Catalog.Domain;
using Microservices.Messaging;
using Microservices.ServiceDefaults;

namespace Microservices.Tests.Telemetry;

/// <summary>
/// A command's trace, sent as a traceparent header to the real Catalog service, lands on the event items it appends
/// and comes back out of the table's real stream as the parent a consumer continues from.
/// </summary>
public sealed class CommandTraceTests(DynamoDbLocalFixture dynamo) : ApiTest<CatalogService>(dynamo, "trace")
{

    [Fact]
    public async Task A_command_with_a_traceparent_stores_its_trace_on_the_event_item_as_the_append_span()
    {
        var (trace, traceParent) = TracedCommands.NewTraceParent();
        using var appends = new AppendSpans(trace);

        var authorId = await RegisterAuthorAsync("Malin Persson", traceParent, traceState: "vendor=blue");

        var item = Assert.Single(await TracedCommands.EventItemsAsync(Tables, "author", authorId));
        var stored = ActivityContext.Parse(item[Attributes.TraceParent].S, item[Attributes.TraceState].S);
        Assert.Equal(trace, stored.TraceId);
        Assert.Equal("vendor=blue", stored.TraceState);
        // The consumer's spans should hang under the append, not merely somewhere in the request.
        var append = Assert.Single(appends.Stopped);
        Assert.Equal(append.SpanId, stored.SpanId);
        Assert.Equal(ActivityKind.Producer, append.Kind);
    }

    [Fact]
    public async Task Each_event_item_carries_the_trace_of_the_command_that_appended_it()
    {
        var (registerTrace, registerParent) = TracedCommands.NewTraceParent();
        var (renameTrace, renameParent) = TracedCommands.NewTraceParent();
        var authorId = await RegisterAuthorAsync("Frank Herbert", registerParent);

        await TracedCommands.SendAsync(Http.Http, HttpMethod.Put, $"/authors/{authorId}/name",
            new { name = "Franklin Herbert", expectedVersion = 1 }, renameParent);

        var items = await TracedCommands.EventItemsAsync(Tables, "author", authorId);
        Assert.Equal(
            [registerTrace, renameTrace],
            items.Select(item => ActivityContext.Parse(item[Attributes.TraceParent].S, null).TraceId));
        Assert.All(items, item => Assert.False(item.ContainsKey(Attributes.TraceState)));
    }

    [Fact]
    public async Task The_stream_record_of_an_event_gives_back_the_commands_trace_as_a_remote_parent()
    {
        var (trace, traceParent) = TracedCommands.NewTraceParent();
        var authorId = await RegisterAuthorAsync("Astrid Lindgren", traceParent);
        var stored = (await TracedCommands.EventItemsAsync(Tables, "author", authorId)).Single()[Attributes.TraceParent].S;

        var records = await StreamRecords.ReadAllAsync(Tables);

        var eventRecord = records.Single(r => r.Dynamodb.NewImage?[Attributes.ItemType].S == ItemTypes.Event);
        var parent = StreamTraceContext.ParentOf(eventRecord);
        Assert.Equal(trace, parent.TraceId);
        Assert.Equal(ActivityContext.Parse(stored, null).SpanId, parent.SpanId);
        Assert.True(parent.IsRemote);
        Assert.Equal(ActivityTraceFlags.Recorded, parent.TraceFlags);
        // The canonical author item is written in the same transaction but is state, not an event: it carries no trace.
        var canonical = records.Single(r => r.Dynamodb.NewImage?[Attributes.ItemType].S == ItemTypes.Author);
        Assert.Equal(default, StreamTraceContext.ParentOf(canonical));
    }

    [Fact]
    public async Task An_append_outside_any_activity_stores_no_trace_context()
    {
        var store = Api.Services.GetRequiredService<EventStore>();
        var authorId = Ids.New();
        Activity.Current = null;

        await store.AppendAsync(CatalogEvents.Author(authorId), 0, [new AuthorRegistered(authorId, "Selma Lagerlöf")], [], null,
            TestContext.Current.CancellationToken);

        var item = Assert.Single(await TracedCommands.EventItemsAsync(Tables, "author", authorId));
        Assert.False(item.ContainsKey(Attributes.TraceParent));
        Assert.False(item.ContainsKey(Attributes.TraceState));
        var record = Assert.Single(await StreamRecords.ReadAllAsync(Tables));
        Assert.Equal(default, StreamTraceContext.ParentOf(record));
    }

    private async Task<string> RegisterAuthorAsync(string name, string traceParent, string? traceState = null)
    {
        var created = await TracedCommands.SendAsync(Http.Http, HttpMethod.Post, "/authors", new { name }, traceParent, traceState);
        return created["authorId"]!.GetValue<string>();
    }
}
