using Amazon.DynamoDBv2;
using Amazon.Runtime;

namespace Microservices.Tests.Infrastructure;

/// <summary>
/// Cuts one instance off from DynamoDB (in the SDK's HTTP path) and from its stream, while the others go on: to
/// them it is exactly a process that died without releasing anything.
/// </summary>
public sealed class NetworkPartition
{
    private volatile bool _cut;

    public void Cut() => _cut = true;

    public AmazonDynamoDBClient Client(DynamoDbOptions tables)
    {
        var config = new AmazonDynamoDBConfig
        {
            ServiceURL = tables.ServiceUrl,
            AuthenticationRegion = tables.Region,
            MaxErrorRetry = 0,
            HttpClientFactory = new Factory(this),
            DefaultAWSCredentials = new BasicAWSCredentials("local", "local"),
        };
        return new AmazonDynamoDBClient(config);
    }

    public IDynamoDbStreams Streams(IDynamoDbStreams inner) => new PartitionedStreams(inner, this);

    private void ThrowIfCut()
    {
        if (_cut)
        {
            throw new HttpRequestException("Network partition (injected by the test).");
        }
    }

    private sealed class Factory(NetworkPartition partition) : HttpClientFactory, IDisposable
    {
        // One client for the instance's whole life, as the SDK's own caching would keep.
        private readonly HttpClient _client = new(new Gate(partition) { InnerHandler = new SocketsHttpHandler() });

        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => _client;

        public void Dispose() => _client.Dispose();

        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;
    }

    private sealed class Gate(NetworkPartition partition) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            partition.ThrowIfCut();
            return base.SendAsync(request, cancellationToken);
        }
    }

    private sealed class PartitionedStreams(IDynamoDbStreams inner, NetworkPartition partition) : IDynamoDbStreams
    {
        public Task<ListStreamsResult> ListStreamsAsync(string? tableName, string? exclusiveStartStreamArn = null, int? limit = null, CancellationToken cancellationToken = default)
        {
            partition.ThrowIfCut();
            return inner.ListStreamsAsync(tableName, exclusiveStartStreamArn, limit, cancellationToken);
        }

        public Task<StreamDescription> DescribeStreamAsync(string streamArn, string? exclusiveStartShardId = null, int? limit = null, CancellationToken cancellationToken = default)
        {
            partition.ThrowIfCut();
            return inner.DescribeStreamAsync(streamArn, exclusiveStartShardId, limit, cancellationToken);
        }

        public Task<string> GetShardIteratorAsync(string streamArn, string shardId, ShardIteratorType iteratorType, string? sequenceNumber = null, CancellationToken cancellationToken = default)
        {
            partition.ThrowIfCut();
            return inner.GetShardIteratorAsync(streamArn, shardId, iteratorType, sequenceNumber, cancellationToken);
        }

        public Task<GetRecordsResult> GetRecordsAsync(string shardIterator, int? limit = null, CancellationToken cancellationToken = default)
        {
            partition.ThrowIfCut();
            return inner.GetRecordsAsync(shardIterator, limit, cancellationToken);
        }
    }
}
