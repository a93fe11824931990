using Catalog.Worker;
using Microservices.Contracts.Catalog;
using Microservices.Faults;

namespace Microservices.Tests.Faults;

/// <summary>
/// Proof that the check can fail: a genre worker broken on purpose so that it skips every hundredth event leaves
/// exactly one copy missing among 120 books, and the check names exactly that copy; a genre worker without its
/// version guard lets a late write from an older read overwrite a newer copy, and the check names that copy's field.
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
        var catalog = new ApiClient(api.CreateClient());
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

    [Fact]
    public async Task A_worker_without_its_version_guard_is_caught_with_the_exact_regressed_copy()
    {
        var (tables, sabotage, authorId, bookId) = await RaceTwoRenamesAsync("broken-guard", keepGuard: false);

        var drifts = await Eventually.Until(
            () => CatalogChecks.RunAsync(tables),
            found => found.Count == 1,
            TimeSpan.FromSeconds(30),
            "the check to find the copy the late write regressed");

        var drift = Assert.Single(drifts);
        Assert.Equal(("drifted", Keys.GenreBook(Genre, bookId), Attributes.AuthorName, "Third name", "Second name"),
            (drift.Kind, drift.Key, drift.Field, drift.Expected, drift.Found));
        Assert.True(sabotage.Overtaken, "the newer copy did not land while the older write was held: the race did not happen");
    }

    [Fact]
    public async Task The_same_race_with_the_version_guard_ends_clean()
    {
        var (tables, sabotage, _, _) = await RaceTwoRenamesAsync("kept-guard", keepGuard: true);

        await CatalogChecks.UntilNoDriftAsync(tables);
        Assert.True(sabotage.Overtaken, "the newer copy did not land while the older write was held: the race did not happen");
    }

    /// <summary>
    /// Renames an author twice while one genre worker's first copy write (built from the second name) is held until
    /// the other worker has written the copy from the third name, so the held one arrives late.
    /// </summary>
    private async Task<(Microservices.SingleTable.DynamoDbOptions Tables, UnguardedCopyWrites Sabotage, string AuthorId, string BookId)> RaceTwoRenamesAsync(
        string owner, bool keepGuard)
    {
        var tables = await dynamo.CreateTablesAsync(owner);
        using var plain = DynamoDbLocalFixture.CreateClient(tables);
        var (client, sabotage) = UnguardedCopyWrites.Wrap(plain, ItemTypes.GenreBook, keepGuard);
        // One process handles an author's messages one at a time, so the late write can only come from a second
        // instance: two workers on the one queue, each taking one message at a time, so the held rename's successor
        // goes to the other one.
        var messaging = new Dictionary<string, string?>(await rabbit.NewVirtualHostAsync(owner))
        {
            ["Messaging:ConsumerConcurrency"] = "1",
            ["Messaging:PrefetchCount"] = "1",
        };
        using var worker = await GenreWorker.StartAsync(tables, messaging, services: services => services.AddSingleton(client));
        using var second = await GenreWorker.StartAsync(tables, messaging, services: services => services.AddSingleton(client));
        await using var api = new CatalogApi(tables);
        var catalog = new ApiClient(api.CreateClient());
        var (authorId, version) = await catalog.RegisterAuthorAsync("First name");
        var (bookId, _) = await catalog.AddBookAsync(authorId, "The Book", Genre, 5m);
        await CatalogChecks.UntilNoDriftAsync(tables);

        sabotage.HoldNextWrite();
        version = await catalog.RenameAuthorAsync(authorId, "Second name", version);
        await sabotage.Holding.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        await catalog.RenameAuthorAsync(authorId, "Third name", version);
        await sabotage.Released.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        await worker.StopAsync(TestContext.Current.CancellationToken);
        await second.StopAsync(TestContext.Current.CancellationToken);
        return (tables, sabotage, authorId, bookId);
    }
}
