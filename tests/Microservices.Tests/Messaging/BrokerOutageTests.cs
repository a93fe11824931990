using System.Diagnostics;
using Microservices.Streams.Lambda;

namespace Microservices.Tests.Messaging;

/// <summary>
/// The broker goes away and comes back. Each test stops and starts a RabbitMQ node of its own, so no other class
/// sees the outage. Nothing published before, during or after it may be lost.
/// </summary>
[TakesAbout(66)]
public sealed class BrokerOutageTests(DynamoDbLocalFixture dynamo) : IAsyncLifetime
{
    private RabbitMqNode _node = null!;
    private DynamoDbOptions _tables = null!;
    private CatalogApi _api = null!;
    private ApiClient _catalog = null!;

    public async ValueTask InitializeAsync()
    {
        _node = await RabbitMqNode.StartAsync("outage");
        _tables = await dynamo.CreateTablesAsync("outage");
        _api = new CatalogApi(_tables);
        _catalog = new ApiClient(_api.CreateClient());
    }

    public async ValueTask DisposeAsync()
    {
        await _api.DisposeAsync();
        await _node.DisposeAsync();
    }

    [Fact]
    public async Task While_the_broker_is_down_the_publisher_reports_an_outage_and_publishes_once_the_broker_is_back()
    {
        var (authorId, _) = await _catalog.RegisterAuthorAsync("Edith Södergran");
        await _catalog.AddBookAsync(authorId, "Dikter", "poetry", 6m);
        await _catalog.AddBookAsync(authorId, "Septemberlyran", "poetry", 7m);
        // A batch that starts with canonical items, which the publisher skips.
        var batch = (await StreamRecords.ReadAllAsync(_tables))
            .OrderBy(r => r.Dynamodb.NewImage![Attributes.ItemType].S == ItemTypes.Event)
            .ToList();
        Assert.NotEqual(ItemTypes.Event, batch[0].Dynamodb.NewImage![Attributes.ItemType].S);
        using var bus = await CatalogBus.StartAsync(_tables, _node.Settings("/"));

        await _node.StopAsync();
        var clock = Stopwatch.StartNew();
        // Not the records' fault, so not a batch item failure: the stream consumer waits it out without
        // counting retries against the records or dead-lettering them.
        await Assert.ThrowsAsync<DependencyUnavailableException>(
            () => bus.Publisher().HandleAsync(new DynamoDbEvent { Records = batch }, TestContext.Current.CancellationToken));
        clock.Stop();
        await _node.StartAsync();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"a publish to a dead broker must give up; it took {clock.Elapsed}");

        // As the stream consumer does: hand the same batch over again until the broker confirms it.
        var retry = new DynamoDbEvent { Records = batch };
        await Eventually.Until(
            async () =>
            {
                try
                {
                    return await bus.Publisher().HandleAsync(retry, TestContext.Current.CancellationToken);
                }
                catch (DependencyUnavailableException)
                {
                    return null;
                }
            },
            response => response is { BatchItemFailures.Count: 0 },
            TimeSpan.FromSeconds(60),
            "the batch published after the broker restarted");
        var poetry = await Eventually.Until(
            () => _catalog.GetAsync("/genres/poetry/books"), list => ApiClient.Items(list).Count == 2, what: "both poetry copies");
        Assert.Equal(["Dikter", "Septemberlyran"], CatalogCalls.Titles(poetry));
        await bus.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_broker_restarted_under_load_loses_nothing()
    {
        using var worker = await GenreWorker.StartAsync(_tables, _node.Settings("/"));
        var load = await CatalogLoad.RegisterAsync(_catalog, authors: 6);

        await load.RunAsync(steps: 8);
        await _node.StopAsync();
        try
        {
            // Commands go on while the broker is down: their events wait on the stream, not in memory.
            await load.RunAsync(steps: 8);
        }
        finally
        {
            await _node.StartAsync();
        }

        await load.RunAsync(steps: 8);

        await load.UntilConvergedAsync(_tables, TimeSpan.FromSeconds(120));
        await worker.StopAsync(TestContext.Current.CancellationToken);
    }
}
