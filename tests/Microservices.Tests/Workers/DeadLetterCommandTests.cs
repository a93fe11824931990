using EventRelay;
using Microservices.Shared.Schema;
using Microservices.Shared.Streams;
using Microservices.Tests.Catalog;
using Microservices.Tests.Infrastructure;

namespace Microservices.Tests.Workers;

/// <summary>
/// The built event relay's dead-letters commands, with its real handler (the publisher) and real RabbitMQ: a
/// dead-lettered BookAdded record is listed, and replaying it publishes it, so the genre copy it was holding back
/// appears.
/// </summary>
public sealed class DeadLetterCommandTests(DynamoDbLocalFixture dynamo, RabbitMqFixture rabbit)
{
    [Fact]
    public async Task A_dead_lettered_event_is_listed_and_replaying_it_publishes_it_so_its_copy_appears()
    {
        var tables = await dynamo.CreateTablesAsync("dead-letter-cli");
        await using var api = new CatalogApi(tables);
        var catalog = new CatalogClient(api.CreateClient());
        var (authorId, _) = await catalog.RegisterAuthorAsync("Vilhelm Moberg");
        await catalog.AddBookAsync(authorId, "Utvandrarna", "novel", 11m);
        var bookAdded = (await StreamRecords.ReadAllAsync(tables))
            .Single(r => r.Dynamodb.NewImage?[Attributes.ItemType].S == ItemTypes.Event && r.Dynamodb.NewImage[Attributes.EventType].S == "book.added.v1");
        using (var client = DynamoDbLocalFixture.CreateClient(tables))
        {
            await new DeadLetterStore(client, Microsoft.Extensions.Options.Options.Create(tables)).PutAsync(
                new DeadLetter(EventRelayModule.ConsumerName, "shard-1", bookAdded, DeadLetterReasons.RetriesExhausted, "broken (injected)", 6, DateTimeOffset.UtcNow),
                TestContext.Current.CancellationToken);
        }

        var settings = Settings.Of(tables).Concat(await rabbit.NewVirtualHostAsync("dead-letter-cli")).ToDictionary();

        var listed = await WorkerProcess.RunCommandAsync(["dead-letters", "list"], settings);
        Assert.True(listed.ExitCode == 0, listed.Error);
        Assert.Contains(bookAdded.Dynamodb.SequenceNumber, listed.Output, StringComparison.Ordinal);
        Assert.Contains(DeadLetterReasons.RetriesExhausted, listed.Output, StringComparison.Ordinal);

        // The Catalog consumers keep the copy; their host's relay does not read the stream, so the copy can only come
        // from the replayed message.
        var workerSettings = new Dictionary<string, string?>(settings)
        {
            [$"{StreamConsumerOptions.Section}:{EventRelayModule.ConsumerName}:Enabled"] = "false",
        };
        using var worker = await GenreWorker.StartAsync(tables, workerSettings);

        var replayed = await WorkerProcess.RunCommandAsync(["dead-letters", "replay"], settings);
        Assert.True(replayed.ExitCode == 0, replayed.Error);
        Assert.Contains("Replayed 1; still failing 0.", replayed.Output, StringComparison.Ordinal);
        var after = await WorkerProcess.RunCommandAsync(["dead-letters", "list"], settings);
        Assert.DoesNotContain(bookAdded.Dynamodb.SequenceNumber, after.Output, StringComparison.Ordinal);

        var novels = await Eventually.Until(
            () => catalog.GetAsync("/genres/novel/books"), list => CatalogClient.Items(list).Count == 1, TimeSpan.FromSeconds(30), "the replayed book's copy");
        Assert.Equal(["Utvandrarna"], CatalogClient.Titles(novels));
        await worker.StopAsync(TestContext.Current.CancellationToken);
    }
}
