using System.Collections.Concurrent;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Microsoft.Extensions.DependencyInjection;

namespace Microservices.Tests.Infrastructure;

/// <summary>
/// Every request a service's DynamoDB client sends, seen through the SDK's own request events on the real client (no
/// fake): to count them, and to run a step after a chosen response, between a handler's reads and its write.
/// </summary>
public sealed class DynamoRequests
{
    private readonly ConcurrentQueue<AmazonWebServiceRequest> _sent = new();

    private DynamoRequests()
    {
    }

    public IReadOnlyList<AmazonWebServiceRequest> Sent => [.. _sent];

    /// <summary>The operations sent, in order: "Query", "TransactWriteItems"...</summary>
    public IReadOnlyList<string> Operations => [.. _sent.Select(r => r.GetType().Name.Replace("Request", "", StringComparison.Ordinal))];

    /// <summary>Runs once after the first response to a request that <see cref="AfterResponseTo"/> matches.</summary>
    public Func<AmazonWebServiceRequest, bool>? AfterResponseTo { get; set; }

    public Action? Then { get; set; }

    public static DynamoRequests Watch(IServiceProvider services)
    {
        var client = (AmazonServiceClient)services.GetRequiredService<IAmazonDynamoDB>();
        var requests = new DynamoRequests();
        client.BeforeRequestEvent += (_, e) =>
        {
            if (e is WebServiceRequestEventArgs request)
            {
                requests._sent.Enqueue(request.Request);
            }
        };
        client.AfterResponseEvent += (_, e) =>
        {
            if (e is WebServiceResponseEventArgs response && requests.AfterResponseTo?.Invoke(response.Request) == true)
            {
                requests.AfterResponseTo = null;
                requests.Then?.Invoke();
            }
        };
        return requests;
    }

    public void Clear() => _sent.Clear();
}
