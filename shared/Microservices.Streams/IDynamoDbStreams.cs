namespace Microservices.Streams;

/// <summary>The four read operations of the DynamoDB Streams API.</summary>
public interface IDynamoDbStreams
{
    Task<ListStreamsResult> ListStreamsAsync(
        string? tableName, string? exclusiveStartStreamArn = null, int? limit = null, CancellationToken cancellationToken = default);

    Task<StreamDescription> DescribeStreamAsync(
        string streamArn, string? exclusiveStartShardId = null, int? limit = null, CancellationToken cancellationToken = default);

    /// <param name="sequenceNumber">Required for AT_SEQUENCE_NUMBER and AFTER_SEQUENCE_NUMBER, ignored otherwise.</param>
    Task<string> GetShardIteratorAsync(
        string streamArn,
        string shardId,
        ShardIteratorType iteratorType,
        string? sequenceNumber = null,
        CancellationToken cancellationToken = default);

    Task<GetRecordsResult> GetRecordsAsync(string shardIterator, int? limit = null, CancellationToken cancellationToken = default);
}
