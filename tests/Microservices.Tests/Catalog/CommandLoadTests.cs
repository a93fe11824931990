using Catalog.Api;
using Catalog.Domain;

namespace Microservices.Tests.Catalog;

/// <summary>
/// How much of its stream a command reads, counted from the items the real service's Queries read (their
/// <c>ScannedCount</c>) on DynamoDB Local: one item however long the stream, from the snapshot on its newest event; only
/// the events after the newest snapshot are folded when some were appended without one; the whole stream is read when
/// it has no snapshot or its snapshot cannot be read. Each stream's history is appended straight through the event store, 99 events and the
/// author item a transaction, as the command runner would have written it (or, for old streams, without snapshots).
/// </summary>
public sealed class CommandLoadTests(DynamoDbLocalFixture dynamo) : ApiTest<CatalogService>(dynamo, "load")
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_rename_on_a_stream_of_1500_events_reads_one_item_of_it()
    {
        var (authorId, version) = await Http.RegisterAuthorAsync("Name 1");
        version = await AppendRenamesAsync(authorId, version, 1_499, withSnapshots: true);
        Assert.Equal(1_500, version);
        var requests = Api.Requests;
        requests.Clear();

        Assert.Equal(1_501, await Http.RenameAuthorAsync(authorId, "Frank Herbert", version));

        Assert.Equal(["Query", "TransactWriteItems"], requests.Operations);
        Assert.Equal(1, ItemsRead(requests));
        Assert.Equal("Frank Herbert", (await Http.GetAsync($"/authors/{authorId}"))["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_stream_without_any_snapshot_is_folded_from_its_first_event_and_the_next_command_reads_one_item()
    {
        var authorId = Ids.New();
        var version = await AppendRenamesAsync(authorId, 0, 300, withSnapshots: false);
        var requests = Api.Requests;
        requests.Clear();

        // Only the fold of all 300 events is at version 300 with the last name.
        Assert.Equal(301, await Http.RenameAuthorAsync(authorId, "Ursula K. Le Guin", version));

        Assert.Equal(300, ItemsRead(requests));
        requests.Clear();
        Assert.Equal(302, await Http.RenameAuthorAsync(authorId, "Ursula Kroeber Le Guin", 301));
        Assert.Equal(1, ItemsRead(requests));
        Assert.Equal("Ursula Kroeber Le Guin", (await Http.GetAsync($"/authors/{authorId}"))["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Only_the_events_after_the_newest_snapshot_are_folded()
    {
        var (authorId, version) = await Http.RegisterAuthorAsync("Name 1");
        version = await AppendRenamesAsync(authorId, version, 150, withSnapshots: true);
        version = await AppendRenamesAsync(authorId, version, 40, withSnapshots: false);

        var tail = await Api.Services.GetRequiredService<EventStore>().ReadTailAsync(CatalogEvents.Author(authorId), Cancellation);

        Assert.Equal(151, tail.SnapshotVersion);
        Assert.Equal(Enumerable.Range(152, 40).Select(v => (long)v), tail.Events.Select(e => e.Version));
        // A rename to the name the last event gave decides nothing: the fold from the snapshot reached it.
        Assert.Equal(version, await Http.RenameAuthorAsync(authorId, $"Name {version}", version));
        Assert.Equal(version + 1, await Http.RenameAuthorAsync(authorId, "Selma Lagerlöf", version));
    }

    [Fact]
    public async Task A_snapshot_that_cannot_be_read_is_not_an_error_the_whole_stream_is_folded_instead()
    {
        var (authorId, version) = await Http.RegisterAuthorAsync("Frank Herbert");
        version = await Http.RenameAuthorAsync(authorId, "Franklin Herbert", version);
        var last = Keys.Event("author", authorId, version);
        using (var client = DynamoDbLocalFixture.CreateClient(Tables))
        {
            // A snapshot of a shape the state record no longer has.
            await client.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = Tables.TableName,
                Key = new() { [Attributes.PK] = new(last.PK), [Attributes.SK] = new(last.SK) },
                UpdateExpression = "SET #s = :s",
                ExpressionAttributeNames = new() { ["#s"] = Attributes.Snapshot },
                ExpressionAttributeValues = new() { [":s"] = new($$"""{"authorId":"{{authorId}}","fullName":"?","version":2}""") },
            }, Cancellation);
        }

        var requests = Api.Requests;
        requests.Clear();

        Assert.Equal(3, await Http.RenameAuthorAsync(authorId, "Frank Patrick Herbert", version));

        Assert.Equal(["Query", "Query", "TransactWriteItems"], requests.Operations);
        requests.Clear();
        await Http.SendAsync(HttpMethod.Put, $"/authors/{authorId}/name", new { name = "Frank Patrick Herbert", expectedVersion = 3 }, HttpStatusCode.OK);
        Assert.Equal(1, ItemsRead(requests)); // the command wrote a snapshot of the current shape
    }

    /// <summary>Renames appended straight through the event store, 99 a transaction with the author item, as "Name {version}".</summary>
    private async Task<long> AppendRenamesAsync(string authorId, long version, int count, bool withSnapshots)
    {
        var store = Api.Services.GetRequiredService<EventStore>();
        var stream = CatalogEvents.Author(authorId);
        var state = version == 0 ? Author.None(authorId) : new Author(authorId, $"Name {version}", version);
        while (count > 0)
        {
            var batch = Enumerable.Range(0, Math.Min(count, EventStore.MaxTransactionItems - 1))
                .Select(i => state.Version + i + 1)
                .Select(v => v == 1 ? (object)new AuthorRegistered(authorId, "Name 1") : new AuthorRenamed(authorId, $"Name {v}"))
                .ToList();
            var after = batch.Aggregate(state, Author.Apply);
            await store.AppendAsync(stream, state.Version, batch,
                [CanonicalWrite.Update(Tables.TableName, CatalogItems.Author(after), stream, state.Version)],
                withSnapshots ? StateSnapshot.Write(after) : null, Cancellation);
            (state, count) = (after, count - batch.Count);
        }

        return state.Version;
    }

    private static int ItemsRead(DynamoRequests requests) => requests.Received.OfType<QueryResponse>().Sum(q => q.ScannedCount ?? 0);
}
