using System.Globalization;
using Amazon.DynamoDBv2.Model;
using Catalog.Domain;
using Microservices.Benchmarks.Harness;
using Microservices.EventSourcing;
using Microservices.Schema;

namespace Microservices.Benchmarks.Suite;

/// <summary>
/// Benchmark 2: a rename on an author whose stream has n events, through HTTP against the raw SDK sending the same
/// requests. The history is seeded fast, as event items put in batches (rename events that publish nothing) into the
/// table and the mirror alike, with the author item at the stream's version.
/// </summary>
public sealed class HistoryCost(BenchSystem system, CancellationToken cancellationToken)
{
    public async Task<HistoryRow> MeasureAsync(int events, int pairs)
    {
        string author = "";
        long version = 0;
        async Task Fresh()
        {
            author = (await system.Catalog.PostAsync("/authors", new { name = "History 0" }, cancellationToken))!["authorId"]!.GetValue<string>();
            await system.SyncMirrorAsync(cancellationToken);
            version = 1;
            if (events > 1)
            {
                var seeded = SeedItems(author, events).ToList();
                await Seeding.PutAllAsync(system.Raw, system.Tables.TableName, seeded, cancellationToken);
                await Seeding.PutAllAsync(system.Raw, system.Mirror.TableName, seeded, cancellationToken);
                version = events;
            }
        }

        // A stream of one event stays one event only if each pair has its own author; a long one grows by a few.
        if (events > 1)
        {
            await Fresh();
        }

        var command = new CommandOverhead.Case(
            $"RenameAuthor at {events} events",
            events == 1 ? Fresh : () => Task.CompletedTask,
            async () =>
            {
                await system.Catalog.PutAsync($"/authors/{author}/name", new { name = $"History {version + 1}", expectedVersion = version }, cancellationToken);
                version++;
            });
        var comparison = await new CommandOverhead(system, cancellationToken).MeasureAsync(command, pairs);
        return new HistoryRow(events, comparison);
    }

    /// <summary>Events 2..n of the author's stream (renames), and the author item at version n.</summary>
    private static IEnumerable<Dictionary<string, AttributeValue>> SeedItems(string authorId, int events)
    {
        var stream = new StreamName("author", authorId);
        var recordedAt = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        for (var version = 2; version <= events; version++)
        {
            var renamed = new AuthorRenamed(authorId, $"History {version}");
            var key = EventItem.Key(stream.Type, stream.Id, version);
            yield return new()
            {
                [Attributes.PK] = new(key.PK),
                [Attributes.SK] = new(key.SK),
                [Attributes.ItemType] = new(EventItem.ItemType),
                [EventItem.StreamType] = new(stream.Type),
                [EventItem.StreamId] = new(stream.Id),
                [EventItem.Version] = CatalogItems.Number(version),
                [EventItem.EventType] = new(CatalogEvents.Types.NameOf(renamed)),
                [EventItem.Data] = new(EventTypeMap.Serialize(renamed)),
                [EventItem.RecordedAt] = new(recordedAt),
                [EventItem.ContractType] = new(EventTypeMap.NoContract),
            };
        }

        yield return CatalogItems.Author(new Author(authorId, $"History {events}", events));
    }
}
