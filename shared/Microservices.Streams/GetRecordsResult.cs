using Microservices.Streams.Lambda;

namespace Microservices.Streams;

public sealed record GetRecordsResult
{
    public IReadOnlyList<DynamoDbStreamRecord> Records { get; init; } = [];

    /// <summary>
    /// Null once the shard is closed and every record has been returned. An open shard always gives a next iterator,
    /// even when this page was empty.
    /// </summary>
    public string? NextShardIterator { get; init; }
}
