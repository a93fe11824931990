using EventRelay;

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
        var catalog = new ApiClient(api.CreateClient());
        var (authorId, _) = await catalog.RegisterAuthorAsync("Vilhelm Moberg");
        await catalog.AddBookAsync(authorId, "Utvandrarna", "novel", 11m);
        var bookAdded = (await StreamRecords.ReadAllAsync(tables))
            .Single(r => r.Dynamodb.NewImage?[Attributes.ItemType].S == ItemTypes.Event && r.Dynamodb.NewImage[Attributes.EventType].S == "book.added.v2");
        using (var client = DynamoDbLocalFixture.CreateClient(tables))
        {
            await new DeadLetterStore(client, tables.LeaseTableName).PutAsync(
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
            () => catalog.GetAsync("/genres/novel/books"), list => ApiClient.Items(list).Count == 1, TimeSpan.FromSeconds(30), "the replayed book's copy");
        Assert.Equal(["Utvandrarna"], CatalogCalls.Titles(novels));
        await worker.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Replaying_a_dead_letter_the_handler_still_refuses_keeps_it_and_exits_with_code_1()
    {
        var tables = await dynamo.CreateTablesAsync("dead-letter-replay-fails");
        var unmappable = Microservices.Streams.Lambda.LambdaJson.Deserialize<Microservices.Streams.Lambda.DynamoDbEvent>(
            await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Samples", "event-item-that-cannot-be-mapped.json"), TestContext.Current.CancellationToken)).Records[1];
        using (var client = DynamoDbLocalFixture.CreateClient(tables))
        {
            await new DeadLetterStore(client, tables.LeaseTableName).PutAsync(
                new DeadLetter(EventRelayModule.ConsumerName, "shard-1", unmappable, DeadLetterReasons.RetriesExhausted, "cannot be mapped", 6, DateTimeOffset.UtcNow),
                TestContext.Current.CancellationToken);
        }

        var settings = new Dictionary<string, string?>(Settings.Of(tables)) { ["Messaging:Transport"] = "InMemory" };

        var replayed = await WorkerProcess.RunCommandAsync(["dead-letters", "replay"], settings);
        Assert.True(replayed.ExitCode == 1, $"exit code {replayed.ExitCode}: {replayed.Error}");
        Assert.Contains("Replayed 0; still failing 1.", replayed.Output, StringComparison.Ordinal);
        var listed = await WorkerProcess.RunCommandAsync(["dead-letters", "list"], settings);
        Assert.Equal(0, listed.ExitCode);
        Assert.Contains(unmappable.Dynamodb.SequenceNumber, listed.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_consumer_name_the_relay_does_not_have_is_refused_with_exit_code_2()
    {
        var tables = await dynamo.CreateTablesAsync("dead-letter-bad-name");
        var settings = new Dictionary<string, string?>(Settings.Of(tables)) { ["Messaging:Transport"] = "InMemory" };

        foreach (var verb in new[] { "list", "replay" })
        {
            var (exitCode, output, error) = await WorkerProcess.RunCommandAsync(["dead-letters", verb, "--consumer", "no-such-consumer"], settings);
            Assert.Equal(2, exitCode);
            Assert.Empty(output);
            Assert.Contains($"No consumer is named no-such-consumer; name one of {EventRelayModule.ConsumerName}.", error, StringComparison.Ordinal);
        }
    }
}
