using Catalog.Api;

namespace Microservices.Tests.Ops;

/// <summary>
/// The consistency check must find nothing on a converged table, and exactly the copy a test broke by hand:
/// a check that passes a broken table is worse than none.
/// </summary>
[TakesAbout(30)]
public sealed class CheckTests(DynamoDbLocalFixture dynamo, RabbitMqFixture rabbit) : ApiTest<CatalogService>(dynamo, "check")
{
    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();

        var (herbert, version) = await Http.RegisterAuthorAsync("Frank Herbert");
        var (leGuin, _) = await Http.RegisterAuthorAsync("Ursula K. Le Guin");
        await Http.AddBookAsync(herbert, "Dune", "science-fiction", 10.99m);
        await Http.AddBookAsync(herbert, "Dune Messiah", "science-fiction", 9.99m);
        await Http.AddBookAsync(leGuin, "A Wizard of Earthsea", "fantasy", 8.99m);
        await Http.RenameAuthorAsync(herbert, "Franklin Patrick Herbert", version);
        await Eventually.Until(
            () => Http.GetAsync("/genres/science-fiction/books"),
            list => ApiClient.Items(list).Count == 2 && ApiClient.Items(list).All(b => b!["authorName"]!.GetValue<string>() == "Franklin Patrick Herbert"));
        await Eventually.Until(() => Http.GetAsync("/genres/fantasy/books"), list => ApiClient.Items(list).Count == 1);
        await CatalogChecks.UntilNoDriftAsync(Tables);
        // Stop the worker, so nothing repairs what the tests break.
        await Worker!.StopAsync();
    }

    protected override async Task<IHost?> StartWorkerAsync(DynamoDbOptions tables) =>
        await GenreWorker.StartAsync(tables, await rabbit.NewVirtualHostAsync("check"));

    [Fact]
    public async Task A_converged_table_has_no_drift()
    {
        Assert.Empty(await CheckAsync());
        Assert.Equal(0, (await RunOpsAsync("check")).ExitCode);
    }

    [Fact]
    public async Task A_copy_corrupted_by_a_direct_write_is_the_one_reported()
    {
        var copies = await TableItems.GenreCopiesAsync(Tables);
        var victim = copies.Single(c => c[Attributes.Title].S == "Dune Messiah");
        using var client = DynamoDbLocalFixture.CreateClient(Tables);
        await client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = Tables.TableName,
            Key = TableItems.KeyOf(victim),
            UpdateExpression = "SET AuthorName = :stale",
            ExpressionAttributeValues = new() { [":stale"] = new("Frank Herbert") },
        }, TestContext.Current.CancellationToken);

        var drift = Assert.Single(await CheckAsync());

        Assert.Equal(("drifted", victim[Attributes.PK].S, victim[Attributes.SK].S), (drift.Kind, drift.Key.PK, drift.Key.SK));
        Assert.Equal((Attributes.AuthorName, "Franklin Patrick Herbert", "Frank Herbert"), (drift.Field, drift.Expected, drift.Found));
        var (exitCode, output) = await RunOpsAsync("check");
        Assert.Equal(1, exitCode);
        Assert.Contains(victim[Attributes.SK].S, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deleted_copy_is_reported_missing_and_a_copy_without_a_book_as_an_orphan()
    {
        var victim = (await TableItems.GenreCopiesAsync(Tables)).Single(c => c[Attributes.Title].S == "A Wizard of Earthsea");
        using var client = DynamoDbLocalFixture.CreateClient(Tables);
        await client.DeleteItemAsync(Tables.TableName, TableItems.KeyOf(victim), TestContext.Current.CancellationToken);
        var orphanKey = Keys.GenreBook("fantasy", new string('e', 32));
        var orphan = new Dictionary<string, AttributeValue>(victim)
        {
            [Attributes.PK] = new(orphanKey.PK),
            [Attributes.SK] = new(orphanKey.SK),
            [Attributes.BookId] = new(new string('e', 32)),
        };
        await client.PutItemAsync(Tables.TableName, orphan, TestContext.Current.CancellationToken);

        var drifts = await CheckAsync();

        Assert.Equal(2, drifts.Count);
        Assert.Contains(drifts, d => d.Kind == "missing" && d.Key.SK == victim[Attributes.SK].S);
        Assert.Contains(drifts, d => d.Kind == "orphan" && d.Key == orphanKey);
    }

    [Fact]
    public async Task A_move_and_a_delete_the_worker_never_saw_leave_orphans_and_a_missing_copy()
    {
        var authors = ApiClient.Items(await Http.GetAsync("/authors"));
        var leGuin = authors.Single(a => a!["name"]!.GetValue<string>() == "Ursula K. Le Guin")!["authorId"]!.GetValue<string>();
        var herbert = authors.Single(a => a!["name"]!.GetValue<string>() == "Franklin Patrick Herbert")!["authorId"]!.GetValue<string>();
        var books = (await Http.GetAsync($"/authors/{herbert}"))["books"]!.AsArray();
        var dune = books.Single(b => b!["title"]!.GetValue<string>() == "Dune")!["bookId"]!.GetValue<string>();
        var messiah = books.Single(b => b!["title"]!.GetValue<string>() == "Dune Messiah")!["bookId"]!.GetValue<string>();
        var earthsea = (await Http.GetAsync($"/authors/{leGuin}"))["books"]![0]!["bookId"]!.GetValue<string>();

        // The worker is stopped: the copies stay where they were.
        await Http.SendAsync(HttpMethod.Put, $"/authors/{leGuin}/books/{earthsea}/genre",
            new { genre = "young-adult", expectedVersion = 1 }, HttpStatusCode.OK);
        await Http.SendAsync(HttpMethod.Delete, $"/authors/{herbert}/books/{messiah}?expectedVersion=1", null, HttpStatusCode.OK);

        var drifts = await CheckAsync();

        Assert.Equal(3, drifts.Count);
        Assert.Contains(drifts, d => d.Kind == "orphan" && d.Key == Keys.GenreBook("fantasy", earthsea) && d.Found!.Contains("young-adult", StringComparison.Ordinal));
        Assert.Contains(drifts, d => d.Kind == "missing" && d.Key == Keys.GenreBook("young-adult", earthsea));
        Assert.Contains(drifts, d => d.Kind == "orphan" && d.Key == Keys.GenreBook("science-fiction", messiah) && d.Found == $"no book {messiah}");
        Assert.DoesNotContain(drifts, d => d.Key.SK.Contains(dune, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_wrong_book_count_is_reported_drifted_and_a_count_without_its_author_as_an_orphan()
    {
        using var client = DynamoDbLocalFixture.CreateClient(Tables);
        var herbert = (await Http.GetAsync("/authors")).AsObject()["items"]!.AsArray()
            .Single(a => a!["name"]!.GetValue<string>() == "Franklin Patrick Herbert")!["authorId"]!.GetValue<string>();
        var stats = Keys.AuthorStats(herbert);
        await client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = Tables.TableName,
            Key = new() { [Attributes.PK] = new(stats.PK), [Attributes.SK] = new(stats.SK) },
            UpdateExpression = "SET BookCount = :wrong",
            ExpressionAttributeValues = new() { [":wrong"] = new() { N = "7" } },
        }, TestContext.Current.CancellationToken);
        var ghost = Keys.AuthorStats(new string('9', 32));
        await client.PutItemAsync(Tables.TableName, new Dictionary<string, AttributeValue>
        {
            [Attributes.PK] = new(ghost.PK),
            [Attributes.SK] = new(ghost.SK),
            [Attributes.ItemType] = new(ItemTypes.AuthorStats),
            [Attributes.AuthorId] = new(new string('9', 32)),
            [Attributes.BookCount] = new() { N = "0" },
        }, TestContext.Current.CancellationToken);

        var drifts = await BookCountCheck.RunAsync(client, Tables.TableName, TestContext.Current.CancellationToken);

        Assert.Equal(2, drifts.Count);
        Assert.Contains(drifts, d => d is { Kind: "drifted", Field: Attributes.BookCount, Expected: "2", Found: "7" } && d.Key == stats);
        Assert.Contains(drifts, d => d.Kind == "orphan" && d.Key == ghost);
        Assert.Equal(1, (await RunOpsAsync("check")).ExitCode);
    }

    private async Task<IReadOnlyList<Drift>> CheckAsync()
    {
        using var client = DynamoDbLocalFixture.CreateClient(Tables);
        return await GenreCopyCheck.RunAsync(client, Tables.TableName, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task An_unreachable_endpoint_is_one_line_naming_the_problem_and_exit_code_2()
    {
        var (exitCode, output) = await RunOpsAsync("check", endpoint: "http://127.0.0.1:1/");

        Assert.Equal(2, exitCode);
        Assert.StartsWith("DynamoDB refused or could not be reached:", output.Trim(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    private Task<(int ExitCode, string Output)> RunOpsAsync(string verb, string? endpoint = null) =>
        OpsTool.RunAsync(endpoint ?? Tables.ServiceUrl!, Tables, verb);
}
