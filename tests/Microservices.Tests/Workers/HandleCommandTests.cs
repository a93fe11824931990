
namespace Microservices.Tests.Workers;

/// <summary>
/// The event relay's handle command runs its real stream handler on a Lambda DynamoDB stream event file and prints
/// Lambda's partial batch response, with no flags: it needs no DynamoDB credentials and no broker (it publishes on
/// the in-memory bus and prints each published contract to standard error).
/// </summary>
public sealed class HandleCommandTests
{
    private static readonly Dictionary<string, string?> NoSettings = [];

    private static Task<(int ExitCode, string Output, string Error)> HandleAsync(string file) =>
        WorkerProcess.RunCommandAsync(["handle", file], NoSettings);

    private static List<JsonNode> Published(string error, string contract) =>
        [.. error.Split('\n')
            .Where(l => l.StartsWith($"published {contract} ", StringComparison.Ordinal))
            .Select(l => JsonNode.Parse(l[(l.IndexOf('{', StringComparison.Ordinal))..])!)];

    private static void AssertNoFailures(int exitCode, string output, string error)
    {
        Assert.True(exitCode == 0, error);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"batchItemFailures":[]}"""), JsonNode.Parse(output)), output);
    }

    [Theory]
    [InlineData("dynamodb-stream-event.json")]
    [InlineData("dynamodb-stream-event-modify-all-types.json")]
    [InlineData("dynamodb-stream-event-ttl-remove.json")]
    [InlineData("lambda-event-creation-time-in-milliseconds.json")]
    [InlineData("lambda-time-window-event.json")]
    public async Task A_documented_Lambda_event_without_event_items_is_answered_with_no_failures_and_publishes_nothing(string sample)
    {
        var (exitCode, output, error) = await HandleAsync(Path.Combine("Samples", sample));

        AssertNoFailures(exitCode, output, error);
        Assert.DoesNotContain("published ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Catalog_event_items_are_published_as_their_contracts_and_a_canonical_item_is_not()
    {
        var (exitCode, output, error) = await HandleAsync(Path.Combine("Samples", "catalog-event-items.json"));

        AssertNoFailures(exitCode, output, error);
        var registered = Assert.Single(Published(error, "AuthorRegisteredV1"));
        Assert.Equal("Karin Boye", (string?)registered["name"]);
        Assert.Equal("author-01JCATALOG0AUTHOR000000001", (string?)registered["streamId"]);
        var added = Assert.Single(Published(error, "BookAddedV1"));
        Assert.Equal("Kallocain", (string?)added["title"]);
        Assert.Equal(129.5m, (decimal?)added["price"]);
        Assert.Equal(2, error.Split('\n').Count(l => l.StartsWith("published ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_Clients_event_item_is_published_as_its_contract()
    {
        var (exitCode, output, error) = await HandleAsync(Path.Combine("Samples", "clients-event-items.json"));

        AssertNoFailures(exitCode, output, error);
        var registered = Assert.Single(Published(error, "ClientRegisteredV1"));
        Assert.Equal("Astrid Lindqvist", (string?)registered["name"]);
        Assert.Equal("astrid@example.org", (string?)registered["email"]);
    }

    [Fact]
    public async Task An_Orders_event_item_is_published_as_its_contract_with_its_lines()
    {
        var (exitCode, output, error) = await HandleAsync(Path.Combine("Samples", "orders-event-items.json"));

        AssertNoFailures(exitCode, output, error);
        var placed = Assert.Single(Published(error, "OrderPlacedV1"));
        Assert.Equal("01JCLIENTS0CLIENT000000001", (string?)placed["clientId"]);
        var line = Assert.Single(placed["lines"]!.AsArray());
        Assert.Equal(2, (int?)line!["quantity"]);
        Assert.Equal(259m, (decimal?)placed["total"]);
    }

    [Fact]
    public async Task An_event_item_that_cannot_be_mapped_is_reported_as_a_batch_item_failure_with_exit_code_1()
    {
        var (exitCode, output, error) = await HandleAsync(Path.Combine("Samples", "event-item-that-cannot-be-mapped.json"));

        Assert.Equal(1, exitCode);
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"batchItemFailures":[{"itemIdentifier":"7400000000000000000002"}]}"""), JsonNode.Parse(output)), output);
        // The record before it was published; stream order stops at the failure.
        Assert.Single(Published(error, "AuthorRegisteredV1"));
        Assert.Empty(Published(error, "AuthorRenamedV1"));
    }

    [Theory]
    [InlineData("{\"Records\": 42}")]
    [InlineData("not json at all")]
    [InlineData("")]
    [InlineData("{\"Records\": [{\"eventID\": \"1\", \"eventName\": \"INSERT\"}]}")]
    [InlineData("{\"Records\": [{\"eventID\": \"1\", \"eventName\": \"INSERT\", \"dynamodb\": {\"ApproximateCreationDateTime\": 1e300, \"SequenceNumber\": \"1\"}}]}")]
    [InlineData("{\"Records\": null}")]
    public async Task A_file_that_is_not_a_stream_event_is_one_line_on_stderr_and_exit_code_2(string content)
    {
        var notAnEvent = Path.GetTempFileName();
        await File.WriteAllTextAsync(notAnEvent, content, TestContext.Current.CancellationToken);

        var (exitCode, output, error) = await HandleAsync(notAnEvent);

        Assert.Equal(2, exitCode);
        Assert.Empty(output);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"Cannot read the event file {notAnEvent}: ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_file_is_one_line_on_stderr_and_exit_code_2()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-such-event-{Guid.NewGuid():N}.json");

        var (exitCode, output, error) = await HandleAsync(missing);

        Assert.Equal(2, exitCode);
        Assert.Empty(output);
        Assert.StartsWith($"Cannot read the event file {missing}: ", Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_consumer_name_the_worker_does_not_have_is_refused_with_exit_code_2()
    {
        var (exitCode, output, error) = await WorkerProcess.RunCommandAsync(
            ["handle", Path.Combine("Samples", "dynamodb-stream-event.json"), "--consumer", "no-such-consumer"], NoSettings);

        Assert.Equal(2, exitCode);
        Assert.Empty(output);
        Assert.Contains("No consumer is named no-such-consumer", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("handle")]
    [InlineData("dead-letters")]
    [InlineData("dead-letters forget")]
    [InlineData("handle a.json --json")]
    public async Task A_command_line_that_names_no_command_is_refused_with_exit_code_2(string arguments)
    {
        var (exitCode, output, error) = await WorkerProcess.RunCommandAsync(arguments.Split(' '), NoSettings);

        Assert.Equal(2, exitCode);
        Assert.Empty(output);
        Assert.Contains("Run with --help for usage.", error, StringComparison.Ordinal);
    }
}
