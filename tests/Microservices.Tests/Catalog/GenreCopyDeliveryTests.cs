using Catalog.Api;
using Catalog.Domain;
using Catalog.Worker;
using Microservices.Contracts.Catalog;
using Microservices.Messaging;
using Microservices.Streams.Lambda;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microservices.Tests.Catalog;

/// <summary>
/// Real stream records handed to the publisher the way Lambda hands them to a function, published to RabbitMQ and
/// consumed by the genre consumers: the consumers' own copies coming back, and a copy newer than anything the worker
/// can read. (Batches twice, in reverse and every message twice are <see cref="CatalogChangeDeliveryTests"/>, over
/// every kind of change.)
/// </summary>
public sealed class GenreCopyDeliveryTests(DynamoDbLocalFixture dynamo, RabbitMqFixture rabbit) : ApiTest<CatalogService>(dynamo, "delivery")
{
    private BusTraffic _traffic = null!;

    private GenreCopyWriter Writer => Worker!.Services.GetRequiredService<GenreCopyWriter>();

    private FaultLog Faults => Worker!.Services.GetRequiredService<FaultLog>();

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _traffic = BusTraffic.Watch(Worker!.Services.GetRequiredService<IBus>());
    }

    protected override async Task<IHost?> StartWorkerAsync(DynamoDbOptions tables) =>
        await CatalogBus.StartAsync(tables, await rabbit.NewVirtualHostAsync("delivery"), bus =>
        {
            bus.TryAddSingleton<FaultLog>();
            bus.AddConsumer<FaultLogConsumer>();
        });

    [Fact]
    public async Task Its_own_copies_coming_back_on_the_stream_publish_nothing_and_write_nothing()
    {
        await WriteHistoryAsync();
        var before = await StreamRecords.ReadAllAsync(Tables);
        await PublishAsync(new DynamoDbEvent { Records = before });
        await UntilEveryCopyMessageIsConsumedAsync();
        var published = _traffic.Published.Count;
        var copiesWritten = Writer.CopiesWritten;

        var echoes = await StreamRecords.ReadAllAsync(Tables, skip: before.Count);
        Assert.NotEmpty(echoes);
        Assert.All(echoes, r => Assert.Equal(ItemTypes.GenreBook, r.Dynamodb.NewImage![Attributes.ItemType].S));
        Assert.Empty((await PublishAsync(new DynamoDbEvent { Records = echoes })).BatchItemFailures);

        Assert.Equal(published, _traffic.Published.Count);
        Assert.Equal(copiesWritten, Writer.CopiesWritten);
    }

    [Fact]
    public async Task A_copy_built_from_newer_sources_is_never_regressed_and_the_message_ends_faulted()
    {
        var authorId = await WriteHistoryAsync();
        var records = await StreamRecords.ReadAllAsync(Tables);
        await PublishAsync(new DynamoDbEvent { Records = records });
        await UntilEveryCopyMessageIsConsumedAsync();
        var copy = (await TableItems.GenreCopiesAsync(Tables)).First();
        var key = TableItems.KeyOf(copy);
        using var client = DynamoDbLocalFixture.CreateClient(Tables);
        // Pretend a later author version was already copied: nothing the worker can read now is as new.
        await client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = Tables.TableName,
            Key = key,
            UpdateExpression = "SET AuthorVersion = :future, AuthorName = :future_name",
            ExpressionAttributeValues = new() { [":future"] = new() { N = "99" }, [":future_name"] = new("From the future") },
        }, TestContext.Current.CancellationToken);

        Assert.Empty((await PublishAsync(new DynamoDbEvent { Records = records })).BatchItemFailures);

        // After its retries the consumer gives up: MassTransit moves the message to the _error queue and publishes a fault.
        var faults = await Eventually.Until(
            () => Task.FromResult(Faults.Faults.ToList()), f => f.Count > 0, TimeSpan.FromSeconds(60), "a faulted genre message");
        Assert.All(faults, f => Assert.Equal(authorId, f is BookAddedV1 b ? b.AuthorId : ((AuthorRenamedV1)f).AuthorId));
        var stored = await client.GetItemAsync(Tables.TableName, key, true, TestContext.Current.CancellationToken);
        Assert.Equal("From the future", stored.Item[Attributes.AuthorName].S);
    }

    private Task<StreamsEventResponse> PublishAsync(DynamoDbEvent batch) =>
        Worker!.Publisher().HandleAsync(batch, TestContext.Current.CancellationToken);

    /// <summary>Every BookAddedV1 and AuthorRenamedV1 published so far has been consumed: nothing is still on its way.</summary>
    private Task UntilEveryCopyMessageIsConsumedAsync() =>
        _traffic.UntilConsumedAsync(_traffic.Published.Count(m => m.IsA(typeof(BookAddedV1)) || m.IsA(typeof(AuthorRenamedV1))));

    /// <summary>An author with three books in two genres, renamed twice.</summary>
    private async Task<string> WriteHistoryAsync()
    {
        var (authorId, version) = await Http.RegisterAuthorAsync("Original Name");
        await Http.AddBookAsync(authorId, "First", "mystery", 5m);
        await Http.AddBookAsync(authorId, "Second", "mystery", 6m);
        await Http.AddBookAsync(authorId, "Third", "thriller", 7m);
        version = await Http.RenameAuthorAsync(authorId, "Middle Name", version);
        await Http.RenameAuthorAsync(authorId, "Final Name", version);
        return authorId;
    }
}
