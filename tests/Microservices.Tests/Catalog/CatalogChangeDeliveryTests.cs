using Catalog.Api;
using Catalog.Domain;
using Catalog.Worker;
using Microservices.Contracts.Catalog;
using Microservices.Messaging;
using Microservices.Streams.Lambda;

namespace Microservices.Tests.Catalog;

/// <summary>
/// Real stream records of every kind of change handed to the publisher the way Lambda hands them to a function,
/// published to RabbitMQ and consumed by the genre and book-count consumers: twice, in reverse, every message twice
/// newest first, and a late book.added after its book was deleted. The copies and counts must end with zero drift.
/// </summary>
public sealed class CatalogChangeDeliveryTests(DynamoDbLocalFixture dynamo, RabbitMqFixture rabbit) : ApiTest<CatalogService>(dynamo, "changedelivery")
{
    private static readonly HashSet<Type> GenreMessages =
    [
        typeof(BookAddedV1), typeof(AuthorRenamedV1), typeof(BookPriceChangedV1), typeof(BookRetitledV1), typeof(BookGenreChangedV1),
        typeof(BookDeletedV1),
    ];

    private static readonly HashSet<Type> CountMessages =
        [typeof(AuthorRegisteredV1), typeof(AuthorDeletedV1), typeof(BookAddedV1), typeof(BookDeletedV1)];

    private BusTraffic _traffic = null!;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _traffic = BusTraffic.Watch(Worker!.Services.GetRequiredService<IBus>());
    }

    protected override async Task<IHost?> StartWorkerAsync(DynamoDbOptions tables) =>
        await CatalogBus.StartAsync(tables, await rabbit.NewVirtualHostAsync("changedelivery"), bus => bus.AddBookCount());

    [Fact]
    public async Task The_same_batch_twice_leaves_every_copy_and_count_correct()
    {
        var history = await WriteHistoryAsync();
        var batch = new DynamoDbEvent { Records = await StreamRecords.ReadAllAsync(Tables) };

        Assert.Empty((await PublishAsync(batch)).BatchItemFailures);
        Assert.Empty((await PublishAsync(batch)).BatchItemFailures);

        await UntilEveryMessageIsConsumedAsync();
        await AssertConvergedAsync(history);
    }

    [Fact]
    public async Task The_batch_in_reverse_order_leaves_every_copy_and_count_correct()
    {
        var history = await WriteHistoryAsync();
        var records = await StreamRecords.ReadAllAsync(Tables);
        records.Reverse();

        Assert.Empty((await PublishAsync(new DynamoDbEvent { Records = records })).BatchItemFailures);

        await UntilEveryMessageIsConsumedAsync();
        await AssertConvergedAsync(history);
    }

    [Fact]
    public async Task Every_message_delivered_twice_newest_first_leaves_zero_drift()
    {
        var history = await WriteHistoryAsync();
        var contracts = await ContractsAsync();
        contracts.Reverse();
        var bus = Worker!.Services.GetRequiredService<IBus>();

        foreach (var (eventId, contract) in contracts.Concat(contracts))
        {
            await bus.Publish(contract, Pipe.Execute<PublishContext>(c => c.MessageId = eventId), TestContext.Current.CancellationToken);
        }

        Assert.Equal(2 * contracts.Count, _traffic.Published.Count);
        await UntilEveryMessageIsConsumedAsync();
        await AssertConvergedAsync(history);
    }

    [Fact]
    public async Task A_late_book_added_after_the_book_was_deleted_brings_no_copy_back_and_no_count()
    {
        var history = await WriteHistoryAsync();
        await PublishAsync(new DynamoDbEvent { Records = await StreamRecords.ReadAllAsync(Tables) });
        await UntilEveryMessageIsConsumedAsync();
        await AssertConvergedAsync(history);
        var late = (await ContractsAsync()).Single(c => c.Contract is BookAddedV1 added && added.BookId == history.DeletedBookId);

        await Worker!.Services.GetRequiredService<IBus>().Publish(late.Contract, TestContext.Current.CancellationToken);

        await UntilEveryMessageIsConsumedAsync();
        await AssertConvergedAsync(history);
    }

    private Task<StreamsEventResponse> PublishAsync(DynamoDbEvent batch) =>
        Worker!.Publisher().HandleAsync(batch, TestContext.Current.CancellationToken);

    private Task<List<(Guid EventId, object Contract)>> ContractsAsync() => StreamRecords.PublishedContractsAsync(Tables);

    /// <summary>Every message published so far has been consumed by each consumer that takes its type.</summary>
    private Task UntilEveryMessageIsConsumedAsync() =>
        _traffic.UntilConsumedAsync(_traffic.Published.Sum(m => (GenreMessages.Any(m.IsA) ? 1 : 0) + (CountMessages.Any(m.IsA) ? 1 : 0)));

    private sealed record History(string AuthorId, string DeletedBookId, string MovedBookId);

    /// <summary>
    /// An author with four books: one repriced, one retitled, one moved from thriller to horror, one deleted; the author
    /// renamed. A second author registered and deleted.
    /// </summary>
    private async Task<History> WriteHistoryAsync()
    {
        var (authorId, version) = await Http.RegisterAuthorAsync("Original Name");
        var (one, _) = await Http.AddBookAsync(authorId, "One", "mystery", 5m);
        var (two, _) = await Http.AddBookAsync(authorId, "Two", "mystery", 6m);
        var (three, _) = await Http.AddBookAsync(authorId, "Three", "thriller", 7m);
        var (four, _) = await Http.AddBookAsync(authorId, "Four", "mystery", 8m);
        await Http.SendAsync(HttpMethod.Put, $"/authors/{authorId}/books/{one}/price", new { price = 9.5m, expectedVersion = 1 }, HttpStatusCode.OK);
        await Http.SendAsync(HttpMethod.Put, $"/authors/{authorId}/books/{two}/title", new { title = "Two Revised", expectedVersion = 1 }, HttpStatusCode.OK);
        await Http.SendAsync(HttpMethod.Put, $"/authors/{authorId}/books/{three}/genre", new { genre = "horror", expectedVersion = 1 }, HttpStatusCode.OK);
        await Http.SendAsync(HttpMethod.Delete, $"/authors/{authorId}/books/{four}?expectedVersion=1", null, HttpStatusCode.OK);
        await Http.RenameAuthorAsync(authorId, "Final Name", version);
        var (gone, _) = await Http.RegisterAuthorAsync("Short-lived");
        await Http.SendAsync(HttpMethod.Delete, $"/authors/{gone}?expectedVersion=1", null, HttpStatusCode.OK);
        return new History(authorId, four, three);
    }

    private async Task AssertConvergedAsync(History history)
    {
        Assert.Empty(await CatalogChecks.RunAsync(Tables));
        var copies = await TableItems.GenreCopiesAsync(Tables);
        Assert.Equal(
            ["horror:Three", "mystery:One", "mystery:Two Revised"],
            copies.Select(c => $"{c[Attributes.Genre].S}:{c[Attributes.Title].S}").Order(StringComparer.Ordinal));
        Assert.All(copies, c => Assert.Equal("Final Name", c[Attributes.AuthorName].S));
        Assert.DoesNotContain(copies, c => c[Attributes.BookId].S == history.DeletedBookId);
        var author = await Http.GetAsync($"/authors/{history.AuthorId}");
        Assert.Equal(3, author["bookCount"]!.GetValue<int>());
    }
}
