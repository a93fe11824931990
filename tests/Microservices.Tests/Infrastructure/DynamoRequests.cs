using System.Collections.Concurrent;
using Amazon.DynamoDBv2;
using Amazon.Runtime;

namespace Microservices.Tests.Infrastructure;

/// <summary>
/// Every request a service's DynamoDB client sends, seen through the SDK's own request events on the real client (no
/// fake, no proxy): to count them, and to run a step at a chosen moment, such as between a handler's reads and its
/// write. The one way the tests count DynamoDB requests.
/// </summary>
public sealed class DynamoRequests
{
    private readonly ConcurrentQueue<AmazonWebServiceRequest> _sent = new();
    private readonly ConcurrentQueue<AmazonWebServiceResponse> _received = new();
    private Armed? _before;
    private Armed? _after;

    private DynamoRequests()
    {
    }

    public IReadOnlyList<AmazonWebServiceRequest> Sent => [.. _sent];

    /// <summary>The responses received, in order: a Query's says how many items it read (<c>ScannedCount</c>).</summary>
    public IReadOnlyList<AmazonWebServiceResponse> Received => [.. _received];

    /// <summary>The operations sent, in order: "Query", "TransactWriteItems"...</summary>
    public IReadOnlyList<string> Operations => [.. _sent.Select(r => r.GetType().Name.Replace("Request", "", StringComparison.Ordinal))];

    public static DynamoRequests Watch(IServiceProvider services)
    {
        var client = (AmazonServiceClient)services.GetRequiredService<IAmazonDynamoDB>();
        var requests = new DynamoRequests();
        client.BeforeRequestEvent += (_, e) =>
        {
            if (e is WebServiceRequestEventArgs request)
            {
                requests._sent.Enqueue(request.Request);
                RunOnce(ref requests._before, request.Request);
            }
        };
        client.AfterResponseEvent += (_, e) =>
        {
            if (e is WebServiceResponseEventArgs response)
            {
                requests._received.Enqueue(response.Response);
                RunOnce(ref requests._after, response.Request);
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
    }

    private static void RunOnce(ref Armed? armed, AmazonWebServiceRequest request)
    {
        if (Volatile.Read(ref armed) is { } step && step.When(request) && Interlocked.CompareExchange(ref armed, null, step) == step)
        {
            // The SDK raises its events synchronously: the request (or the caller) waits here until the step is done.
            Task.Run(step.Step).GetAwaiter().GetResult();
        }
    }

    private sealed record Armed(Func<AmazonWebServiceRequest, bool> When, Func<Task> Step);
}
