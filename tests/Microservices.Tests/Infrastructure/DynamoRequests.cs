using System.Collections.Concurrent;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Microsoft.Extensions.Options;

namespace Microservices.Tests.Infrastructure;

/// <summary>
/// Every request a service's DynamoDB client sends, seen through the SDK's own request events on the real client (no
/// fake, no proxy): to count them, and to run a step at a chosen moment, such as between a handler's reads and its
/// write, or to see how many of them were in flight at once. The one way the tests count DynamoDB requests.
/// </summary>
public sealed class DynamoRequests
{
    private readonly ConcurrentQueue<AmazonWebServiceRequest> _sent = new();
    private readonly ConcurrentQueue<AmazonWebServiceResponse> _received = new();
    private readonly ConcurrentDictionary<string, InFlight> _inFlight = new(StringComparer.Ordinal);
    private Armed? _before;
    private Armed? _after;

    private DynamoRequests()
    {
    }

    public IReadOnlyList<AmazonWebServiceRequest> Sent => [.. _sent];

    /// <summary>The responses received, in order: a Query's says how many items it read (<c>ScannedCount</c>).</summary>
    public IReadOnlyList<AmazonWebServiceResponse> Received => [.. _received];

    /// <summary>The operations sent, in order: "Query", "TransactWriteItems"...</summary>
    public IReadOnlyList<string> Operations => [.. _sent.Select(OperationOf)];

    /// <summary>The most requests of <paramref name="operation"/> ("PutItem") that were sent and not yet answered at one time.</summary>
    public int MostInFlight(string operation) => _inFlight.TryGetValue(operation, out var count) ? count.Most : 0;

    /// <summary>
    /// Watches the service's client. The reads of the migration history that a service makes every couple of seconds
    /// (<c>MigrationStates</c>, in the lease table) are not the work of any one request, and are not counted.
    /// </summary>
    public static DynamoRequests Watch(IServiceProvider services)
    {
        var client = (AmazonServiceClient)services.GetRequiredService<IAmazonDynamoDB>();
        var leaseTable = services.GetService<IOptions<DynamoDbOptions>>()?.Value.LeaseTableName;
        bool Counted(AmazonWebServiceRequest request) =>
            request is not Amazon.DynamoDBv2.Model.QueryRequest query
            || query.TableName != leaseTable
            || !query.ExpressionAttributeValues.Values.Any(v => v.S?.StartsWith("MIGRATIONS#", StringComparison.Ordinal) == true);
        var requests = new DynamoRequests();
        client.BeforeRequestEvent += (_, e) =>
        {
            if (e is WebServiceRequestEventArgs request && Counted(request.Request))
            {
                requests._sent.Enqueue(request.Request);
                requests.InFlightOf(request.Request).Start();
                RunOnce(ref requests._before, request.Request);
            }
        };
        client.AfterResponseEvent += (_, e) =>
        {
            if (e is WebServiceResponseEventArgs response && Counted(response.Request))
            {
                requests._received.Enqueue(response.Response);
                requests.InFlightOf(response.Request).End();
                RunOnce(ref requests._after, response.Request);
            }
        };
        client.ExceptionEvent += (_, e) =>
        {
            if (e is WebServiceExceptionEventArgs failed && Counted(failed.Request))
            {
                requests.InFlightOf(failed.Request).End();
            }
        };
        return requests;
    }

    /// <summary>Runs <paramref name="step"/> once, before the first request that <paramref name="when"/> matches is sent; the request waits for it.</summary>
    public void Before(Func<AmazonWebServiceRequest, bool> when, Func<Task> step) => _before = new Armed(when, step);

    /// <summary>Runs <paramref name="step"/> once, after the response to the first request that <paramref name="when"/> matches; the caller waits for it.</summary>
    public void After(Func<AmazonWebServiceRequest, bool> when, Func<Task> step) => _after = new Armed(when, step);

    public void Clear()
    {
        _sent.Clear();
        _received.Clear();
        _inFlight.Clear();
    }

    private static string OperationOf(AmazonWebServiceRequest request) => request.GetType().Name.Replace("Request", "", StringComparison.Ordinal);

    private InFlight InFlightOf(AmazonWebServiceRequest request) => _inFlight.GetOrAdd(OperationOf(request), _ => new InFlight());

    private static void RunOnce(ref Armed? armed, AmazonWebServiceRequest request)
    {
        if (Volatile.Read(ref armed) is { } step && step.When(request) && Interlocked.CompareExchange(ref armed, null, step) == step)
        {
            // The SDK raises its events synchronously: the request (or the caller) waits here until the step is done.
            Task.Run(step.Step).GetAwaiter().GetResult();
        }
    }

    private sealed class InFlight
    {
        private int _now;
        private int _most;

        public int Most => Volatile.Read(ref _most);

        public void Start()
        {
            var now = Interlocked.Increment(ref _now);
            for (var most = Volatile.Read(ref _most); now > most; most = Volatile.Read(ref _most))
            {
                Interlocked.CompareExchange(ref _most, now, most);
            }
        }

        public void End() => Interlocked.Decrement(ref _now);
    }

    private sealed record Armed(Func<AmazonWebServiceRequest, bool> When, Func<Task> Step);
}
