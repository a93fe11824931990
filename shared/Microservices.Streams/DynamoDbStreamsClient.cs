using System.Net;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Microservices.Streams.Lambda;

namespace Microservices.Streams;

/// <summary>
/// DynamoDB Streams over its JSON 1.0 protocol: a signed POST of one JSON object per operation, named by the
/// X-Amz-Target header. Throttling and server errors are retried here with capped, jittered exponential backoff.
/// </summary>
public sealed class DynamoDbStreamsClient : IDynamoDbStreams
{
    private const string TargetPrefix = "DynamoDBStreams_20120810.";
    private const string ContentType = "application/x-amz-json-1.0";

    // Streams signs as "dynamodb", not "streams.dynamodb": the service shares DynamoDB's signing name.
    private const string SigningService = "dynamodb";
    private const int MaxAttempts = 5;
    private static readonly TimeSpan BaseDelay = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(2);

    private readonly HttpClient _http;
    private readonly Uri _serviceUrl;
    private readonly string _region;
    private readonly Lazy<AWSCredentials> _credentials;

    public DynamoDbStreamsClient(HttpClient http, DynamoDbStreamsClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        _http = http;
        _serviceUrl = options.ResolveServiceUrl();
        _region = options.Region;
        var configured = options.Credentials;
        // Resolved on first use so constructing the client never touches the environment or instance metadata.
        _credentials = new Lazy<AWSCredentials>(() => configured ?? DefaultAWSCredentialsIdentityResolver.GetCredentials());
    }

    public Task<ListStreamsResult> ListStreamsAsync(
        string? tableName, string? exclusiveStartStreamArn = null, int? limit = null, CancellationToken cancellationToken = default) =>
        SendAsync<ListStreamsRequest, ListStreamsResult>(
            "ListStreams", new ListStreamsRequest(tableName, exclusiveStartStreamArn, limit), cancellationToken);

    public async Task<StreamDescription> DescribeStreamAsync(
        string streamArn, string? exclusiveStartShardId = null, int? limit = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamArn);
        var response = await SendAsync<DescribeStreamRequest, DescribeStreamResponse>(
            "DescribeStream", new DescribeStreamRequest(streamArn, exclusiveStartShardId, limit), cancellationToken);
        return response.StreamDescription;
    }

    public async Task<string> GetShardIteratorAsync(
        string streamArn,
        string shardId,
        ShardIteratorType iteratorType,
        string? sequenceNumber = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamArn);
        ArgumentException.ThrowIfNullOrEmpty(shardId);
        var needsSequenceNumber = iteratorType is ShardIteratorType.AtSequenceNumber or ShardIteratorType.AfterSequenceNumber;
        if (needsSequenceNumber && string.IsNullOrEmpty(sequenceNumber))
        {
            throw new ArgumentException($"{iteratorType} needs a sequence number.", nameof(sequenceNumber));
        }

        var response = await SendAsync<GetShardIteratorRequest, GetShardIteratorResponse>(
            "GetShardIterator",
            new GetShardIteratorRequest(streamArn, shardId, iteratorType, needsSequenceNumber ? sequenceNumber : null),
            cancellationToken);
        return response.ShardIterator;
    }

    public Task<GetRecordsResult> GetRecordsAsync(string shardIterator, int? limit = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(shardIterator);
        return SendAsync<GetRecordsRequest, GetRecordsResult>(
            "GetRecords", new GetRecordsRequest(shardIterator, limit), cancellationToken);
    }

    private async Task<TResponse> SendAsync<TRequest, TResponse>(
        string operation, TRequest request, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(request, LambdaJson.Options);
        for (var attempt = 1; ; attempt++)
        {
            // A request message cannot be sent twice, and each try needs a fresh x-amz-date anyway.
            using var message = await CreateSignedRequestAsync(operation, body);
            using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
                return await LambdaJson.DeserializeAsync<TResponse>(stream, cancellationToken);
            }

            var error = await ReadErrorAsync(response, cancellationToken);
            var retryable = error is StreamsThrottledException || (int)error.StatusCode >= 500;
            if (!retryable || attempt == MaxAttempts)
            {
                throw error;
            }

            await Task.Delay(Backoff(attempt), cancellationToken);
        }
    }

    private async Task<HttpRequestMessage> CreateSignedRequestAsync(string operation, byte[] body)
    {
        var credentials = await _credentials.Value.GetCredentialsAsync();
        var target = TargetPrefix + operation;
        var signature = SigV4RequestSigner.Sign(
            HttpMethod.Post,
            _serviceUrl,
            new Dictionary<string, string> { ["content-type"] = ContentType, ["x-amz-target"] = target },
            body,
            SigningService,
            _region,
            DateTime.UtcNow,
            credentials);

        var message = new HttpRequestMessage(HttpMethod.Post, _serviceUrl) { Content = new ByteArrayContent(body) };
        // Without validation so the values go out byte for byte as signed.
        message.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
        message.Headers.Host = _serviceUrl.Authority;
        message.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        message.Headers.TryAddWithoutValidation("X-Amz-Date", signature.AmzDate);
        if (signature.SecurityToken is not null)
        {
            message.Headers.TryAddWithoutValidation("X-Amz-Security-Token", signature.SecurityToken);
        }

        message.Headers.TryAddWithoutValidation("Authorization", signature.Authorization);
        return message;
    }

    /// <summary>
    /// Error bodies look like {"__type":"com.amazonaws.dynamodb.v20120810#ExpiredIteratorException","message":"..."};
    /// some services spell it "Message", and a proxy in between may answer with no JSON at all.
    /// </summary>
    private static async Task<DynamoDbStreamsException> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        string? type = null;
        string? message = null;
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                type = StringProperty(document.RootElement, "__type");
                message = StringProperty(document.RootElement, "message") ?? StringProperty(document.RootElement, "Message");
            }
        }
        catch (JsonException)
        {
        }

        type ??= response.Headers.TryGetValues("x-amzn-ErrorType", out var values) ? values.FirstOrDefault() : null;
        // "x-amzn-ErrorType" may carry ":http://internal.amazon.com/..." after the name, "__type" a namespace before '#'.
        var name = type?.Split(':')[0] is { Length: > 0 } raw ? raw[(raw.LastIndexOf('#') + 1)..] : $"Http{(int)response.StatusCode}";
        message ??= string.IsNullOrWhiteSpace(text) ? response.ReasonPhrase ?? "" : text;
        var status = response.StatusCode;
        return name switch
        {
            "ExpiredIteratorException" => new ExpiredIteratorException(name, message, status),
            "TrimmedDataAccessException" => new TrimmedDataAccessException(name, message, status),
            "ResourceNotFoundException" => new StreamResourceNotFoundException(name, message, status),
            "LimitExceededException" or "ThrottlingException" or "ProvisionedThroughputExceededException"
                or "RequestLimitExceeded" => new StreamsThrottledException(name, message, status),
            _ => new DynamoDbStreamsException(name, message, status),
        };
    }

    private static string? StringProperty(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>Full jitter: a random wait up to an exponentially growing cap, so retrying clients spread out.</summary>
    private static TimeSpan Backoff(int attempt)
    {
        var cap = Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1));
        return TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * cap);
    }

    private sealed record ListStreamsRequest(string? TableName, string? ExclusiveStartStreamArn, int? Limit);

    private sealed record DescribeStreamRequest(string StreamArn, string? ExclusiveStartShardId, int? Limit);

    private sealed record DescribeStreamResponse(StreamDescription StreamDescription);

    private sealed record GetShardIteratorRequest(
        string StreamArn, string ShardId, ShardIteratorType ShardIteratorType, string? SequenceNumber);

    private sealed record GetShardIteratorResponse(string ShardIterator);

    private sealed record GetRecordsRequest(string ShardIterator, int? Limit);
}
