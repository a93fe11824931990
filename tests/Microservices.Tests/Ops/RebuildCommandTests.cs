using Catalog.Api;

namespace Microservices.Tests.Ops;

/// <summary>
/// <c>ops rebuild</c> against a live catalog, its workers running: every genre copy deleted by hand comes back from
/// the books and authors, a lost book count comes back from its markers, and each rebuild ends with a clean check.
/// </summary>
public sealed class RebuildCommandTests(DynamoDbLocalFixture dynamo, RabbitMqFixture rabbit) : ApiTest<CatalogService>(dynamo, "rebuild")
{
    protected override async Task<IHost?> StartWorkerAsync(DynamoDbOptions tables) =>
        await GenreWorker.StartAsync(tables, await rabbit.NewVirtualHostAsync("rebuild"));

    [Fact]
    public async Task Every_genre_copy_deleted_by_hand_is_rebuilt_from_the_books_and_the_check_ends_clean()
    {
        var (authorId, _) = await Http.RegisterAuthorAsync("Selma Lagerlöf");
        for (var i = 0; i < 6; i++)
        {
            await Http.AddBookAsync(authorId, $"Gösta {i}", i % 2 == 0 ? "classics" : "saga", 10m + i);
        }

        await CatalogChecks.UntilNoDriftAsync(Tables);
        var before = await CopiesAsync();
        using (var client = DynamoDbLocalFixture.CreateClient(Tables))
        {
            foreach (var copy in await TableItems.GenreCopiesAsync(Tables))
            {
                await client.DeleteItemAsync(Tables.TableName, new() { [Attributes.PK] = copy[Attributes.PK], [Attributes.SK] = copy[Attributes.SK] }, TestContext.Current.CancellationToken);
            }
        }

        Assert.Empty(await TableItems.GenreCopiesAsync(Tables));
        Assert.NotEmpty(await CatalogChecks.RunAsync(Tables));

        var (exit, output) = await OpsTool.RunAsync(Tables, "rebuild", ItemTypes.GenreBook, "--report", Path.GetTempFileName());

        Assert.True(exit == 0, output);
        Assert.Contains("Rebuild of GenreBook: 6 computed from the sources, 6 written", output, StringComparison.Ordinal);
        Assert.Contains("\"done\":6,\"total\":6", output, StringComparison.Ordinal);
        Assert.Equal(before, await CopiesAsync());
        Assert.Equal(3, ApiClient.Items(await Http.GetAsync("/genres/saga/books")).Count);
    }

    [Fact]
    public async Task A_lost_book_count_is_rebuilt_from_its_markers_and_a_type_that_is_not_a_copy_is_refused()
    {
        var (authorId, _) = await Http.RegisterAuthorAsync("Karin Boye");
        await Http.AddBookAsync(authorId, "Kallocain", "science-fiction", 12m);
        await Http.AddBookAsync(authorId, "Astarte", "novel", 9m);
        await CatalogChecks.UntilNoDriftAsync(Tables);
        using (var client = DynamoDbLocalFixture.CreateClient(Tables))
        {
            var stats = Keys.AuthorStats(authorId);
            await client.DeleteItemAsync(Tables.TableName, new() { [Attributes.PK] = new(stats.PK), [Attributes.SK] = new(stats.SK) }, TestContext.Current.CancellationToken);
        }

        var (exit, output) = await OpsTool.RunAsync(Tables, "rebuild", ItemTypes.AuthorStats, "--report", Path.GetTempFileName());

        Assert.True(exit == 0, output);
        Assert.Equal(2, (await Http.GetAsync($"/authors/{authorId}"))["bookCount"]!.GetValue<int>());

        (exit, output) = await OpsTool.RunAsync(Tables, "rebuild", ItemTypes.Book);
        Assert.NotEqual(0, exit);
        Assert.Contains("GenreBook", output, StringComparison.Ordinal);
    }

    /// <summary>Every genre copy as its attributes, sorted: equal only if the rebuild wrote back exactly what the worker had.</summary>
    private async Task<List<string>> CopiesAsync() =>
        [.. (await TableItems.GenreCopiesAsync(Tables))
            .Select(c => string.Join("; ", c.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Value.S ?? a.Value.N}")))
            .Order(StringComparer.Ordinal)];
}
