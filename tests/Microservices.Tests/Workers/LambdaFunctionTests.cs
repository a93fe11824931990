using System.Diagnostics;
using Microservices.Contracts;
using Microservices.Streams.Lambda;

namespace Microservices.Tests.Workers;

/// <summary>
/// The built event relay run as a Lambda function: its own process, started as Lambda starts a custom runtime
/// (<c>AWS_LAMBDA_RUNTIME_API</c> set, configured through environment variables), against a scripted Lambda Runtime
/// API, a real DynamoDB Local table and a real RabbitMQ node. It answers each invocation with the records its handler
/// failed, posts events it cannot read and handlers cancelled at the deadline as invocation errors and goes on, posts
/// a host that cannot start to init/error, and ends cleanly on SIGTERM.
/// </summary>
[TakesAbout(45)]
public sealed class LambdaFunctionTests(DynamoDbLocalFixture dynamo, RabbitMqFixture rabbit) : IAsyncLifetime
{
    private static readonly TimeSpan Answer = TimeSpan.FromSeconds(30);

    private DynamoDbOptions _tables = null!;
    private ScriptedLambdaRuntime _runtime = null!;

    public async ValueTask InitializeAsync()
    {
        _tables = await dynamo.CreateTablesAsync("lambda");
        _runtime = await ScriptedLambdaRuntime.StartAsync();
    }

    public async ValueTask DisposeAsync() => await _runtime.DisposeAsync();

    private WorkerProcess StartRelay(Dictionary<string, string?> messaging) =>
        WorkerProcess.Start(_tables, new Dictionary<string, string?>(messaging) { [LambdaRuntimeClient.ApiVariable] = _runtime.Api }, WorkerProcess.Relay);

    private static async Task<string> SampleAsync(string name) =>
        await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Samples", name), TestContext.Current.CancellationToken);

    private static async Task StopsCleanlyAsync(WorkerProcess relay)
    {
        Assert.False(relay.HasExited, relay.Output());
        Assert.True(await relay.TerminateAsync(TimeSpan.FromSeconds(15)) == 0, $"exit code {relay.ExitCode}:\n{relay.Output()}");
    }

    private static void AssertNoFailures(RuntimePost post, string requestId, WorkerProcess relay)
    {
        Assert.True(post.Kind == RuntimePostKind.Response, $"{post.Kind} {post.Body}\n{relay.Output()}");
        Assert.Equal(requestId, post.RequestId);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"batchItemFailures":[]}"""), post.Body), post.Body.ToJsonString());
    }

    [Fact]
    public async Task An_invocation_of_the_tables_stream_records_is_published_to_every_subscriber_queue_and_answered_with_no_failures()
    {
        await using var api = new CatalogApi(_tables);
        var catalog = new ApiClient(api.CreateClient());
        var (authorId, _) = await catalog.RegisterAuthorAsync("Karin Boye");
        await catalog.AddBookAsync(authorId, "Kallocain", "novel", 129.5m);
        var records = await StreamRecords.ReadAllAsync(_tables);
        var expected = await StreamRecords.PublishedContractsAsync(_tables);
        var messaging = await rabbit.NewVirtualHostAsync("lambda-publish");
        var vhost = messaging["Messaging:VirtualHost"]!;

        var started = _runtime.Elapsed;
        using var relay = StartRelay(messaging);
        var requestId = _runtime.Invoke(LambdaJson.Serialize(new DynamoDbEvent { Records = records }), traceId: "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1");
        var post = await _runtime.NextPostAsync(Answer);

        AssertNoFailures(post, requestId, relay);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"From process start to the first response: {(post.At - started).TotalMilliseconds:F0} ms ({records.Count} records, {expected.Count} contracts)");
        // Every queue that takes a contract's type holds its copy: the relay declared the subscribers' queues before it answered.
        Assert.Equal(2, expected.Count);
        var copies = Subscriptions.Queues.ToDictionary(q => q.Key, q => expected.Count(c => q.Value.Any(t => t.IsInstanceOfType(c.Contract))));
        Assert.Contains(copies, c => c.Value > 0);
        var queues = await rabbit.Node.ListQueuesAsync(vhost);
        foreach (var (queue, count) in copies)
        {
            Assert.True(queues.TryGetValue(queue, out var held) && held == count, $"{queue}: {count} expected, holds {(queues.TryGetValue(queue, out var h) ? h : "no queue")}");
        }

        await StopsCleanlyAsync(relay);
    }

    [Fact]
    public async Task A_record_the_handler_fails_comes_back_in_batchItemFailures_with_its_sequence_number()
    {
        using var relay = StartRelay(await rabbit.NewVirtualHostAsync("lambda-fails"));
        var requestId = _runtime.Invoke(await SampleAsync("event-item-that-cannot-be-mapped.json"));

        var post = await _runtime.NextPostAsync(Answer);

        Assert.True(post.Kind == RuntimePostKind.Response, $"{post.Kind} {post.Body}\n{relay.Output()}");
        Assert.Equal(requestId, post.RequestId);
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"batchItemFailures":[{"itemIdentifier":"7400000000000000000002"}]}"""), post.Body), post.Body.ToJsonString());
        await StopsCleanlyAsync(relay);
    }

    [Fact]
    public async Task An_event_that_is_not_a_stream_event_is_posted_as_an_invocation_error_and_the_next_invocation_is_answered()
    {
        using var relay = StartRelay(await rabbit.NewVirtualHostAsync("lambda-malformed"));
        var notJson = _runtime.Invoke("not json at all");
        var noSequenceNumber = _runtime.Invoke("""{"Records": [{"eventID": "1", "eventName": "INSERT", "dynamodb": {}}]}""");
        var streamEvent = _runtime.Invoke(await SampleAsync("dynamodb-stream-event.json"));

        foreach (var malformed in new[] { notJson, noSequenceNumber })
        {
            var error = await _runtime.NextPostAsync(Answer);
            Assert.True(error.Kind == RuntimePostKind.InvocationError, $"{error.Kind} {error.Body}\n{relay.Output()}");
            Assert.Equal(malformed, error.RequestId);
            Assert.Equal(LambdaRuntimeLoop.MalformedEventErrorType, error.ErrorTypeHeader);
            Assert.Equal(LambdaRuntimeLoop.MalformedEventErrorType, (string?)error.Body["errorType"]);
            Assert.StartsWith("The invocation is not a DynamoDB stream event: ", (string?)error.Body["errorMessage"], StringComparison.Ordinal);
        }

        AssertNoFailures(await _runtime.NextPostAsync(Answer), streamEvent, relay);
        await StopsCleanlyAsync(relay);
    }

    [Fact]
    public async Task A_deadline_already_near_cancels_the_handler_and_is_posted_as_an_invocation_error_at_once()
    {
        using var relay = StartRelay(await rabbit.NewVirtualHostAsync("lambda-deadline"));
        // Warmed up first, so that the timing below is the deadline's and not the first publish's.
        AssertNoFailures(await AnsweredAsync(relay, await SampleAsync("dynamodb-stream-event.json")), _lastRequest, relay);

        // Less time left than the margin (500 ms by default): the handler starts with its token cancelled.
        var requestId = _runtime.Invoke(await SampleAsync("catalog-event-items.json"), timeLeft: TimeSpan.FromMilliseconds(200));
        var clock = Stopwatch.StartNew();
        var post = await _runtime.NextPostAsync(Answer);

        Assert.True(post.Kind == RuntimePostKind.InvocationError, $"{post.Kind} {post.Body}\n{relay.Output()}");
        Assert.Equal(requestId, post.RequestId);
        Assert.Equal(LambdaRuntimeLoop.DeadlineNearErrorType, (string?)post.Body["errorType"]);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"posted after {clock.Elapsed}");
        // The loop goes on.
        AssertNoFailures(await AnsweredAsync(relay, await SampleAsync("dynamodb-stream-event.json")), _lastRequest, relay);
        await StopsCleanlyAsync(relay);
    }

    private string _lastRequest = "";

    private async Task<RuntimePost> AnsweredAsync(WorkerProcess relay, string streamEvent)
    {
        _lastRequest = _runtime.Invoke(streamEvent);
        var post = await _runtime.NextPostAsync(Answer);
        Assert.True(post.RequestId == _lastRequest, $"{post.Kind} {post.RequestId} {post.Body}\n{relay.Output()}");
        return post;
    }

    [Fact]
    public async Task A_host_that_cannot_start_posts_init_error_and_exits_with_code_2()
    {
        // RabbitMQ without a broker user: the relay's messaging options refuse to start.
        var messaging = await rabbit.NewVirtualHostAsync("lambda-init");
        messaging.Remove("Messaging:Username");
        messaging.Remove("Messaging:Password");
        using var relay = StartRelay(messaging);

        var post = await _runtime.NextPostAsync(Answer);
        var exitCode = await relay.WaitForExitAsync(TimeSpan.FromSeconds(15));

        Assert.True(post.Kind == RuntimePostKind.InitError, $"{post.Kind} {post.Body}\n{relay.Output()}");
        Assert.Null(post.RequestId);
        Assert.Equal(StreamWorkerCommands.InitErrorType, post.ErrorTypeHeader);
        Assert.Contains("Messaging:Username and Messaging:Password are required", (string?)post.Body["errorMessage"], StringComparison.Ordinal);
        Assert.Equal(StreamWorkerCommands.CannotRun, exitCode);
        Assert.Equal(0, _runtime.NextRequests);
    }
}
