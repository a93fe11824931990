using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Microservices.SingleTable;

namespace Microservices.Faults;

/// <summary>The answers <see cref="DynamoDbFaults"/> gives instead of DynamoDB's.</summary>
public enum DynamoDbFaultKind
{
    /// <summary>400 <c>ProvisionedThroughputExceededException</c>: a partition over its throughput.</summary>
    ProvisionedThroughputExceeded,

    /// <summary>400 <c>ThrottlingException</c>: control-plane or account-level throttling.</summary>
    Throttling,

    /// <summary>500 <c>InternalServerError</c>: a transient failure on DynamoDB's side.</summary>
    InternalServerError,
}

/// <summary>
/// Throttling and transient errors injected into the AWS SDK's HTTP path at a set rate, the way DynamoDB answers them
/// (status code, <c>x-amzn-ErrorType</c> header and JSON <c>__type</c> body), so the SDK's own retry mode has to absorb
/// them. DynamoDB Local never throttles; this is how tests and the soak see those paths. A faulted request is answered
/// without reaching DynamoDB, so nothing is written twice. The draws come from one seeded <see cref="Random"/>, so a
/// run with the same seed and the same order of requests injects the same faults.
/// </summary>
public sealed class DynamoDbFaults
{
    private readonly Random _random;
    private readonly DynamoDbFaultKind[] _kinds;
    private readonly ConcurrentDictionary<DynamoDbFaultKind, long> _injected = new();
    private long _passed;

    /// <param name="rate">The fraction of requests answered with a fault, 0 to 1.</param>
    /// <param name="seed">Seeds the draws: which requests fail and with which kind.</param>
    /// <param name="kinds">The kinds to choose from, evenly; every kind when none are given.</param>
    public DynamoDbFaults(double rate, int seed, params DynamoDbFaultKind[] kinds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rate, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rate, 1);
        ArgumentNullException.ThrowIfNull(kinds);
        Rate = rate;
        _random = new Random(seed);
        _kinds = kinds.Length == 0 ? Enum.GetValues<DynamoDbFaultKind>() : kinds;
    }

    public double Rate { get; }

    /// <summary>Off, every request reaches DynamoDB: a soak turns faults off to wait for quiescence.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The faults injected so far, by kind.</summary>
    public IReadOnlyDictionary<DynamoDbFaultKind, long> Injected => _injected.ToDictionary(p => p.Key, p => p.Value);

    /// <summary>Every fault injected so far, of any kind.</summary>
    public long TotalInjected => _injected.Values.Sum();

    /// <summary>The requests passed on to DynamoDB.</summary>
    public long Passed => Interlocked.Read(ref _passed);

    /// <summary>The factory to set on <see cref="ClientConfig.HttpClientFactory"/>.</summary>
    public HttpClientFactory HttpClientFactory => new Factory(this);

    /// <summary>
    /// The injecting handler alone, for an HTTP client that talks to DynamoDB's protocol without the SDK (the
    /// DynamoDB Streams client): <c>services.AddHttpClient(name).AddHttpMessageHandler(faults.CreateHandler)</c>.
    /// </summary>
    public DelegatingHandler CreateHandler() => new FaultHandler(this);

    /// <summary>A client configured as every service's (<see cref="DynamoDbServiceCollectionExtensions.CreateClient(DynamoDbOptions)"/>) whose requests pass through this injector.</summary>
    public AmazonDynamoDBClient CreateClient(DynamoDbOptions options, Action<AmazonDynamoDBConfig>? configure = null) =>
        DynamoDbServiceCollectionExtensions.CreateClient(options, config =>
        {
            config.HttpClientFactory = HttpClientFactory;
            configure?.Invoke(config);
        });

    /// <summary>The fault for the next request, if it gets one.</summary>
    private DynamoDbFaultKind? Draw()
    {
        if (!Enabled)
        {
            Interlocked.Increment(ref _passed);
            return null;
        }

        DynamoDbFaultKind? kind;
        lock (_random)
        {
            // Both draws are taken every time, so the sequence of decisions depends only on the seed.
            var roll = _random.NextDouble();
            var which = _kinds[_random.Next(_kinds.Length)];
            kind = roll < Rate ? which : null;
        }

        if (kind is { } injected)
        {
            _injected.AddOrUpdate(injected, 1, (_, n) => n + 1);
        }
        else
        {
            Interlocked.Increment(ref _passed);
        }

        return kind;
    }

    private static HttpResponseMessage Answer(DynamoDbFaultKind kind, HttpRequestMessage request)
    {
        var (status, type, message) = kind switch
        {
            DynamoDbFaultKind.ProvisionedThroughputExceeded => (HttpStatusCode.BadRequest, "ProvisionedThroughputExceededException",
                "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API."),
            DynamoDbFaultKind.Throttling => (HttpStatusCode.BadRequest, "ThrottlingException", "Rate of requests exceeds the allowed throughput."),
            _ => (HttpStatusCode.InternalServerError, "InternalServerError", "Internal server error"),
        };
        var fullType = string.Create(CultureInfo.InvariantCulture, $"com.amazonaws.dynamodb.v20120810#{type}");
        var body = $$"""{"__type":"{{fullType}}","message":"{{message}}"}""";
        var response = new HttpResponseMessage(status)
        {
            RequestMessage = request,
            Content = new StringContent(body, Encoding.UTF8, "application/x-amz-json-1.0"),
        };
        response.Headers.TryAddWithoutValidation("x-amzn-RequestId", Guid.NewGuid().ToString("N"));
        response.Headers.TryAddWithoutValidation("x-amzn-ErrorType", type);
        return response;
    }

    private sealed class Factory(DynamoDbFaults faults) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig)
        {
#pragma warning disable CA2000 // The client owns the handler chain (disposeHandler: true).
            var handler = new FaultHandler(faults) { InnerHandler = new SocketsHttpHandler() };
#pragma warning restore CA2000
            return new HttpClient(handler, disposeHandler: true);
        }
    }

    private sealed class FaultHandler(DynamoDbFaults faults) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            faults.Draw() is { } kind
                ? Task.FromResult(Answer(kind, request))
                : base.SendAsync(request, cancellationToken);
    }
}
