using System.Text;
using Amazon.Runtime;

namespace Microservices.Tests.Streams;

/// <summary>
/// What the client sends and how it reads error answers, against scripted HTTP answers: throttling and server errors
/// cannot be provoked from DynamoDB Local on demand.
/// </summary>
public sealed class DynamoDbStreamsClientErrorTests
{
    private static (DynamoDbStreamsClient Client, ScriptedHandler Handler) ClientAnswering(
        params (HttpStatusCode Status, string Body)[] answers)
    {
        var handler = new ScriptedHandler(answers);
        var client = new DynamoDbStreamsClient(
            new HttpClient(handler),
            new DynamoDbStreamsClientOptions
            {
                ServiceUrl = new Uri("http://127.0.0.1:8000"),
                Region = "eu-north-1",
                Credentials = new SessionAWSCredentials("AKID", "secret", "token"),
            });
        return (client, handler);
    }

    [Fact]
    public async Task A_request_is_a_signed_json_post_named_by_its_target()
    {
        var (client, handler) = ClientAnswering((HttpStatusCode.OK, """{"ShardIterator":"iterator-1"}"""));

        var iterator = await client.GetShardIteratorAsync(
            "arn:stream", "shard-1", ShardIteratorType.AfterSequenceNumber, "42", TestContext.Current.CancellationToken);

        Assert.Equal("iterator-1", iterator);
        var sent = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Post, sent.Method);
        Assert.Equal("DynamoDBStreams_20120810.GetShardIterator", sent.Headers["X-Amz-Target"]);
        Assert.Equal("application/x-amz-json-1.0", sent.Headers["Content-Type"]);
        Assert.Equal("token", sent.Headers["X-Amz-Security-Token"]);
        Assert.StartsWith("AWS4-HMAC-SHA256 Credential=AKID/", sent.Headers["Authorization"], StringComparison.Ordinal);
        Assert.Contains("/eu-north-1/dynamodb/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target,",
            sent.Headers["Authorization"], StringComparison.Ordinal);
        Assert.Equal(
            """{"StreamArn":"arn:stream","ShardId":"shard-1","ShardIteratorType":"AFTER_SEQUENCE_NUMBER","SequenceNumber":"42"}""",
            sent.Body);
    }

    [Fact]
    public async Task Absent_optional_parameters_are_left_out_of_the_request()
    {
        var (client, handler) = ClientAnswering((HttpStatusCode.OK, """{"Records":[],"NextShardIterator":"next"}"""));

        var page = await client.GetRecordsAsync("iterator-1", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Empty(page.Records);
        Assert.Equal("next", page.NextShardIterator);
        Assert.Equal("""{"ShardIterator":"iterator-1"}""", Assert.Single(handler.Requests).Body);
    }

    [Theory]
    [InlineData("com.amazonaws.dynamodb.v20120810#ExpiredIteratorException", typeof(ExpiredIteratorException))]
    [InlineData("com.amazonaws.dynamodb.v20120810#TrimmedDataAccessException", typeof(TrimmedDataAccessException))]
    [InlineData("com.amazonaws.dynamodb.v20120810#ResourceNotFoundException", typeof(StreamResourceNotFoundException))]
    [InlineData("com.amazon.coral.validate#ValidationException", typeof(DynamoDbStreamsException))]
    public async Task An_error_answer_becomes_its_typed_exception(string errorType, Type expected)
    {
        var (client, _) = ClientAnswering((HttpStatusCode.BadRequest, $$"""{"__type":"{{errorType}}","message":"Iterator expired"}"""));

        var error = await Assert.ThrowsAnyAsync<DynamoDbStreamsException>(
            () => client.GetRecordsAsync("iterator-1", cancellationToken: TestContext.Current.CancellationToken));

        Assert.IsType(expected, error);
        Assert.Equal(errorType[(errorType.IndexOf('#', StringComparison.Ordinal) + 1)..], error.ErrorType);
        Assert.Equal("Iterator expired", error.ServiceMessage);
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
    }

    [Fact]
    public async Task Throttling_is_retried_until_it_passes()
    {
        const string throttled = """{"__type":"com.amazonaws.dynamodb.v20120810#LimitExceededException","Message":"Slow down"}""";
        var (client, handler) = ClientAnswering(
            (HttpStatusCode.BadRequest, throttled),
            (HttpStatusCode.BadRequest, throttled),
            (HttpStatusCode.OK, """{"Streams":[]}"""));

        var streams = await client.ListStreamsAsync("Table", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Empty(streams.Streams);
        Assert.Equal(3, handler.Requests.Count);
    }

    [Fact]
    public async Task Server_errors_give_up_after_five_tries()
    {
        var failure = (HttpStatusCode.InternalServerError, """{"__type":"com.amazonaws.dynamodb.v20120810#InternalFailure","Message":"Oops"}""");
        var (client, handler) = ClientAnswering(failure, failure, failure, failure, failure, failure);

        var error = await Assert.ThrowsAsync<DynamoDbStreamsException>(
            () => client.DescribeStreamAsync("arn:stream", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal("InternalFailure", error.ErrorType);
        Assert.Equal("Oops", error.ServiceMessage);
        Assert.Equal(5, handler.Requests.Count);
    }

    [Fact]
    public async Task An_answer_without_json_still_becomes_a_streams_exception()
    {
        var (client, _) = ClientAnswering((HttpStatusCode.Forbidden, "<html>denied</html>"));

        var error = await Assert.ThrowsAsync<DynamoDbStreamsException>(
            () => client.ListStreamsAsync(null, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal("Http403", error.ErrorType);
        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
    }

    private sealed record SentRequest(HttpMethod Method, IReadOnlyDictionary<string, string> Headers, string Body);

    private sealed class ScriptedHandler((HttpStatusCode Status, string Body)[] answers) : HttpMessageHandler
    {
        private int _next;

        public List<SentRequest> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var headers = request.Headers.Concat(request.Content!.Headers)
                .ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
            Requests.Add(new SentRequest(request.Method, headers, await request.Content.ReadAsStringAsync(cancellationToken)));
            var (status, body) = answers[_next++];
            return new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/x-amz-json-1.0") };
        }
    }
}
