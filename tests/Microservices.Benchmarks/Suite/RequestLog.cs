using System.Collections.Concurrent;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;

namespace Microservices.Benchmarks.Suite;

/// <summary>
/// The requests a host's DynamoDB client sent, seen through the SDK's own request events on the real client (as the
/// tests' DynamoRequests does), and sent again by the raw SDK to a mirror table in the same state: the baseline of
/// "the same requests, without our code". A Query's page key is kept as it was when the page was asked for.
/// </summary>
public sealed class RequestLog
{
    private readonly ConcurrentQueue<(AmazonWebServiceRequest Request, Dictionary<string, AttributeValue>? StartKey)> _sent = new();
    private long _count;

    public bool Recording { get; set; } = true;

    /// <summary>Every request seen since the log was attached, recording or not.</summary>
    public long Count => Interlocked.Read(ref _count);

    public static RequestLog Attach(IAmazonDynamoDB client, Func<AmazonWebServiceRequest, bool>? counts = null) =>
        new RequestLog(counts).AttachTo(client);

    private readonly Func<AmazonWebServiceRequest, bool>? _counts;

    private RequestLog(Func<AmazonWebServiceRequest, bool>? counts) => _counts = counts;

    /// <summary>Also records what <paramref name="client"/> sends, into this same log.</summary>
    public RequestLog AttachTo(IAmazonDynamoDB client)
    {
        ((AmazonServiceClient)client).BeforeRequestEvent += (_, e) =>
        {
            if (e is not WebServiceRequestEventArgs { Request: var request } || _counts?.Invoke(request) == false)
            {
                return;
            }

            Interlocked.Increment(ref _count);
            if (Recording)
            {
                _sent.Enqueue((request, (request as QueryRequest)?.ExclusiveStartKey));
            }
        };
        return this;
    }

    /// <summary>The requests recorded since the last take, in the order they were sent; the log is left empty.</summary>
    public IReadOnlyList<AmazonWebServiceRequest> Take()
    {
        List<AmazonWebServiceRequest> taken = [];
        while (_sent.TryDequeue(out var sent))
        {
            if (sent.Request is QueryRequest query)
            {
                query.ExclusiveStartKey = sent.StartKey;
            }

            taken.Add(sent.Request);
        }

        return taken;
    }

    /// <summary>
    /// Sends <paramref name="requests"/> again, one after the other, to <paramref name="mirror"/> instead of
    /// <paramref name="table"/>. A condition that fails fails as it did for the system (the mirror is in the same state).
    /// </summary>
    public static async Task ReplayAsync(IAmazonDynamoDB raw, IReadOnlyList<AmazonWebServiceRequest> requests, string table, string mirror, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(raw);
        ArgumentNullException.ThrowIfNull(requests);
        foreach (var request in requests)
        {
            Retarget(request, table, mirror);
            try
            {
                await SendAsync(raw, request, cancellationToken);
            }
            catch (ConditionalCheckFailedException)
            {
            }
            catch (TransactionCanceledException)
            {
            }
        }
    }

    public static Task SendAsync(IAmazonDynamoDB dynamo, AmazonWebServiceRequest request, CancellationToken cancellationToken) => request switch
    {
        GetItemRequest r => dynamo.GetItemAsync(r, cancellationToken),
        QueryRequest r => dynamo.QueryAsync(r, cancellationToken),
        ScanRequest r => dynamo.ScanAsync(r, cancellationToken),
        PutItemRequest r => dynamo.PutItemAsync(r, cancellationToken),
        UpdateItemRequest r => dynamo.UpdateItemAsync(r, cancellationToken),
        DeleteItemRequest r => dynamo.DeleteItemAsync(r, cancellationToken),
        TransactWriteItemsRequest r => dynamo.TransactWriteItemsAsync(r, cancellationToken),
        TransactGetItemsRequest r => dynamo.TransactGetItemsAsync(r, cancellationToken),
        BatchWriteItemRequest r => dynamo.BatchWriteItemAsync(r, cancellationToken),
        BatchGetItemRequest r => dynamo.BatchGetItemAsync(r, cancellationToken),
        _ => throw new NotSupportedException($"The request log cannot send a {request.GetType().Name} again."),
    };

    private static void Retarget(AmazonWebServiceRequest request, string table, string mirror)
    {
        string To(string name) => name == table ? mirror : name;
        switch (request)
        {
            case GetItemRequest r: r.TableName = To(r.TableName); break;
            case QueryRequest r: r.TableName = To(r.TableName); break;
            case ScanRequest r: r.TableName = To(r.TableName); break;
            case PutItemRequest r: r.TableName = To(r.TableName); break;
            case UpdateItemRequest r: r.TableName = To(r.TableName); break;
            case DeleteItemRequest r: r.TableName = To(r.TableName); break;
            case TransactWriteItemsRequest r:
                foreach (var item in r.TransactItems)
                {
                    if (item.Put is { } put) { put.TableName = To(put.TableName); }
                    if (item.Update is { } update) { update.TableName = To(update.TableName); }
                    if (item.Delete is { } delete) { delete.TableName = To(delete.TableName); }
                    if (item.ConditionCheck is { } check) { check.TableName = To(check.TableName); }
                }

                break;
            case TransactGetItemsRequest r:
                foreach (var item in r.TransactItems)
                {
                    item.Get.TableName = To(item.Get.TableName);
                }

                break;
            case BatchWriteItemRequest r: r.RequestItems = r.RequestItems.ToDictionary(p => To(p.Key), p => p.Value); break;
            case BatchGetItemRequest r: r.RequestItems = r.RequestItems.ToDictionary(p => To(p.Key), p => p.Value); break;
            default: throw new NotSupportedException($"The request log cannot send a {request.GetType().Name} again.");
        }
    }
}
