using Catalog.Worker;
using Microservices.Contracts.Catalog;
using Microservices.Shared.Faults;
using Microservices.Shared.Schema;
using Microservices.Tests.Catalog;
using Microservices.Tests.Infrastructure;

namespace Microservices.Tests.Faults;

/// <summary>
/// Proof that the check can fail: a genre worker broken on purpose so that it skips every hundredth event leaves
/// exactly one copy missing among 120 books, and the check names exactly that copy.
/// </summary>
public sealed class BrokenOnPurposeTests(DynamoDbLocalFixture dynamo, RabbitMqFixture rabbit)
{
    private const string Genre = "skipped-genre";

    [Fact]
    public async Task A_worker_that_skips_every_hundredth_event_is_caught_with_the_exact_missing_copy()
    {
        var tables = await dynamo.CreateTablesAsync("broken-skip");
        var sabotage = new SkipEveryNthMessage(100);
        using var worker = await GenreWorker.StartAsync(
            tables, await rabbit.NewVirtualHostAsync("broken-skip"), bus => bus.AddSkipEveryNthMessage(sabotage, GenreCopiesModule.EndpointName));
        await using var api = new CatalogApi(tables);
        var catalog = new CatalogClient(api.CreateClient());
        for (var author = 0; author < 3; author++)
        {
            var (authorId, _) = await catalog.RegisterAuthorAsync($"Author {author}");
            for (var book = 0; book < 40; book++)
            {
                await catalog.AddBookAsync(authorId, $"Book {author}-{book:D2}", Genre, 5m);
            }
        }

        // Only book additions reach the genre queue here, so the hundredth of 120 is the one skipped.
        var drifts = await Eventually.Until(
            () => CatalogChecks.RunAsync(tables),
            found => found.Count(d => d.Kind == "missing") == 1 && found.Count == 1 && sabotage.Skipped.Count == 1,
            TimeSpan.FromSeconds(60),
            "the check to find exactly what the broken worker left out");

        var skipped = Assert.IsType<BookAddedV1>(Assert.Single(sabotage.Skipped));
        var missing = Assert.Single(drifts);
        Assert.Equal("missing", missing.Kind);
        Assert.Equal(Keys.GenreBook(Genre, skipped.BookId), missing.Key);
        await worker.StopAsync(TestContext.Current.CancellationToken);
    }
}
