using System.Diagnostics.Metrics;
using Catalog.Api;
using Microservices.Contracts.Catalog;
using Microservices.Messaging;
using Microservices.ServiceDefaults;
using Microservices.Streams.Lambda;
using Microservices.Tests.Clients;

namespace Microservices.Tests.Messaging;

/// <summary>
/// The stream handler that turns event items into integration events: what it publishes for a real batch from the
/// table's stream and what it ignores. What it answers when the broker is down is in <see cref="BrokerOutageTests"/>.
/// </summary>
public sealed class IntegrationEventPublisherTests(DynamoDbLocalFixture dynamo, RabbitMqFixture rabbit) : ApiTest<CatalogService>(dynamo, "publisher")
{
    private BusTraffic _traffic = null!;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _traffic = BusTraffic.Watch(Worker!.Services.GetRequiredService<IBus>());
    }

    protected override async Task<IHost?> StartWorkerAsync(DynamoDbOptions tables) =>
        await CatalogBus.StartAsync(tables, await rabbit.NewVirtualHostAsync("publisher"));

    [Fact]
    public async Task An_event_whose_contract_cannot_be_read_is_reported_as_that_records_failure_after_the_events_before_it()
    {
        var (authorId, version) = await Http.RegisterAuthorAsync("Hjalmar Söderberg");
        await Http.RenameAuthorAsync(authorId, "Hjalmar Emil Söderberg", version);
        await Http.RenameAuthorAsync(authorId, "Hjalmar Söderberg", version + 1);
        var events = await EventRecordsAsync();
        var badJson = With(events[1], Attributes.Contract, "{ not json");
        var unknownType = With(events[2], Attributes.ContractType, "Microservices.Contracts.Catalog.AuthorRenamedV9");

        var afterBadJson = await Worker!.Publisher().HandleAsync(new DynamoDbEvent { Records = [events[0], badJson] }, TestContext.Current.CancellationToken);
        var afterUnknownType = await Worker!.Publisher().HandleAsync(new DynamoDbEvent { Records = [unknownType, events[0]] }, TestContext.Current.CancellationToken);

        Assert.Equal(badJson.Dynamodb.SequenceNumber, Assert.Single(afterBadJson.BatchItemFailures).ItemIdentifier);
        Assert.Equal(unknownType.Dynamodb.SequenceNumber, Assert.Single(afterUnknownType.BatchItemFailures).ItemIdentifier);
        Assert.Equal(typeof(AuthorRegisteredV1), Assert.Single(_traffic.Published).Type);
    }

    [Fact]
    public async Task A_batch_of_several_streams_stops_at_an_unreadable_record_with_every_event_before_it_confirmed_and_each_stream_in_order()
    {
        var (moberg, mobergVersion) = await Http.RegisterAuthorAsync("Vilhelm Moberg");
        var (martinson, martinsonVersion) = await Http.RegisterAuthorAsync("Moa Martinson");
        await Http.RenameAuthorAsync(moberg, "Carl Artur Vilhelm Moberg", mobergVersion);
        await Http.RenameAuthorAsync(martinson, "Helga Maria Martinson", martinsonVersion);
        await Http.RenameAuthorAsync(moberg, "Vilhelm Moberg", mobergVersion + 1);
        var events = await EventRecordsAsync();
        Assert.Equal(5, events.Count);
        var unreadable = With(events[3], Attributes.Contract, "{ not json");

        var response = await Worker!.Publisher().HandleAsync(
            new DynamoDbEvent { Records = [events[0], events[1], events[2], unreadable, events[4]] }, TestContext.Current.CancellationToken);

        // The handler answered only after the broker confirmed the three events before the unreadable one, and no more.
        Assert.Equal(unreadable.Dynamodb.SequenceNumber, Assert.Single(response.BatchItemFailures).ItemIdentifier);
        var published = _traffic.Published.Select(m => m.Message switch
        {
            AuthorRegisteredV1 r => (r.StreamId, r.StreamVersion, m.MessageId),
            AuthorRenamedV1 r => (r.StreamId, r.StreamVersion, m.MessageId),
            _ => throw new InvalidOperationException($"Unexpected {m.Type}"),
        }).ToList();
        Assert.Equal(
            new[] { ($"author-{moberg}", 1L), ($"author-{moberg}", 2L), ($"author-{martinson}", 1L) }.Order(),
            published.Select(p => (p.StreamId, p.StreamVersion)).Order());
        Assert.Equal([1L, 2L], published.Where(p => p.StreamId == $"author-{moberg}").Select(p => p.StreamVersion));
        Assert.Equal([EventIds.For("author", moberg, 1), EventIds.For("author", moberg, 2), EventIds.For("author", martinson, 1)],
            published.OrderBy(p => (p.StreamId == $"author-{martinson}", p.StreamVersion)).Select(p => p.MessageId!.Value));
    }

    [Fact]
    public async Task An_event_stored_before_contracts_were_recorded_is_skipped_logged_and_counted_and_the_events_after_it_are_published()
    {
        var (authorId, version) = await Http.RegisterAuthorAsync("Selma Lagerlöf");
        await Http.RenameAuthorAsync(authorId, "Selma Ottilia Lovisa Lagerlöf", version);
        var events = await EventRecordsAsync();
        var legacy = Without(Without(events[0], Attributes.ContractType), Attributes.Contract);
        var skipped = new List<(long Count, string? EventType)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == IntegrationEventPublisher.MeterName && instrument.Name == "messaging.events.without_contract")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, count, tags, _) =>
        {
            lock (skipped)
            {
                skipped.Add((count, tags.ToArray().Single(t => t.Key == "event_type").Value as string));
            }
        });
        listener.Start();

        var response = await Worker!.Publisher().HandleAsync(new DynamoDbEvent { Records = [legacy, events[1]] }, TestContext.Current.CancellationToken);

        Assert.Empty(response.BatchItemFailures);
        var renamed = Assert.IsType<AuthorRenamedV1>(Assert.Single(_traffic.Published).Message);
        Assert.Equal((authorId, 2L), (renamed.AuthorId, renamed.StreamVersion));
        lock (skipped)
        {
            Assert.Contains((1L, "author.registered.v1"), skipped);
        }
    }

    [Fact]
    public async Task An_event_its_service_keeps_to_itself_is_recorded_as_having_no_contract_and_publishes_nothing()
    {
        await using var clientsApi = new ClientsApi(Tables);
        var clients = new ApiClient(clientsApi.CreateClient());
        var (clientId, version) = await clients.RegisterAsync("Malin Persson", "malin@example.se", new Dictionary<string, string>());
        await clients.SetPhoneAsync(clientId, "mobile", "070 1", version);
        var phoneSet = (await EventRecordsAsync()).Single(r => r.Dynamodb.NewImage![Attributes.EventType].S == "client.phone-set.v1");

        Assert.Equal(EventTypeMap.NoContract, phoneSet.Dynamodb.NewImage![Attributes.ContractType].S);
        Assert.False(phoneSet.Dynamodb.NewImage.ContainsKey(Attributes.Contract));
        Assert.Empty((await Worker!.Publisher().HandleAsync(new DynamoDbEvent { Records = [phoneSet] }, TestContext.Current.CancellationToken)).BatchItemFailures);
        Assert.Empty(_traffic.Published);
    }

    private async Task<List<DynamoDbStreamRecord>> EventRecordsAsync() =>
        [.. (await StreamRecords.ReadAllAsync(Tables)).Where(r => r.Dynamodb.NewImage![Attributes.ItemType].S == ItemTypes.Event)];

    private static DynamoDbStreamRecord With(DynamoDbStreamRecord record, string attribute, string value) =>
        record with { Dynamodb = record.Dynamodb with { NewImage = new(record.Dynamodb.NewImage!) { [attribute] = new(value) } } };

    private static DynamoDbStreamRecord Without(DynamoDbStreamRecord record, string attribute)
    {
        var image = new Dictionary<string, AttributeValue>(record.Dynamodb.NewImage!);
        image.Remove(attribute);
        return record with { Dynamodb = record.Dynamodb with { NewImage = image } };
    }

    [Fact]
    public async Task Each_event_item_of_a_batch_is_published_once_as_its_contract_with_an_id_from_its_stream_and_version()
    {
        var (authorId, version) = await Http.RegisterAuthorAsync("Karin Boye");
        var (bookId, _) = await Http.AddBookAsync(authorId, "Kallocain", "science-fiction", 12.5m);
        await Http.RenameAuthorAsync(authorId, "Karin Maria Boye", version);
        var records = await StreamRecords.ReadAllAsync(Tables);
        Assert.True(records.Count > 3, "the batch holds the canonical items as well as the three events");

        Assert.Empty((await Worker!.Publisher().HandleAsync(new DynamoDbEvent { Records = records }, TestContext.Current.CancellationToken)).BatchItemFailures);

        var published = _traffic.Published;
        Assert.Equal(3, published.Count);
        var registered = Assert.IsType<AuthorRegisteredV1>(published.Single(m => m.Type == typeof(AuthorRegisteredV1)).Message);
        var renamed = Assert.IsType<AuthorRenamedV1>(published.Single(m => m.Type == typeof(AuthorRenamedV1)).Message);
        var added = Assert.IsType<BookAddedV2>(published.Single(m => m.Type == typeof(BookAddedV2)).Message);
        Assert.Equal(($"author-{authorId}", 1L, "Karin Boye"), (registered.StreamId, registered.StreamVersion, registered.Name));
        Assert.Equal(($"author-{authorId}", 2L, "Karin Maria Boye"), (renamed.StreamId, renamed.StreamVersion, renamed.Name));
        Assert.Equal(($"book-{bookId}", 1L, authorId, "Kallocain", "science-fiction", 12.5m, "EUR"),
            (added.StreamId, added.StreamVersion, added.AuthorId, added.Title, added.Genre, added.Price, added.Currency));
        Assert.Equal(EventIds.For("author", authorId, 2), renamed.EventId);
        Assert.All(published, m => Assert.Equal(((Microservices.Contracts.IIntegrationEvent)m.Message).EventId, m.MessageId));
        Assert.All([registered.OccurredAt, renamed.OccurredAt, added.OccurredAt], at => Assert.True(at > DateTimeOffset.UtcNow.AddMinutes(-5)));

        // The messages reached the broker and the genre consumers: the book's copy and the rename.
        await _traffic.UntilConsumedAsync(2);

        // Publishing the batch again, as after a failed checkpoint, repeats the same message ids (streams confirm in any order).
        _traffic.Clear();
        await Worker!.Publisher().HandleAsync(new DynamoDbEvent { Records = records }, TestContext.Current.CancellationToken);
        Assert.Equal(published.Select(m => m.MessageId).Order(), _traffic.Published.Select(m => m.MessageId).Order());
    }

    [Fact]
    public async Task Items_that_are_not_events_publish_nothing()
    {
        var (authorId, _) = await Http.RegisterAuthorAsync("Hjalmar Söderberg");
        await Http.AddBookAsync(authorId, "Doktor Glas", "classics", 8m);
        var canonical = (await StreamRecords.ReadAllAsync(Tables))
            .Where(r => r.Dynamodb.NewImage![Attributes.ItemType].S != ItemTypes.Event)
            .ToList();
        // The author's insert, the author's BookAdds bump by the book's transaction, and the book's insert.
        Assert.Equal(3, canonical.Count);

        Assert.Empty((await Worker!.Publisher().HandleAsync(new DynamoDbEvent { Records = canonical }, TestContext.Current.CancellationToken)).BatchItemFailures);

        Assert.Empty(_traffic.Published);
    }
}
