using System.Text.Json.Serialization;
using Microservices.Streams.Lambda;

namespace Microservices.Streams;

/// <summary>DescribeStream's answer: one page of a stream's shards.</summary>
public sealed record StreamDescription
{
    public required string StreamArn { get; init; }

    public string? StreamLabel { get; init; }

    /// <summary>ENABLING, ENABLED, DISABLING or DISABLED.</summary>
    public required string StreamStatus { get; init; }

    public string? StreamViewType { get; init; }

    [JsonConverter(typeof(EpochSecondsJsonConverter))]
    public DateTimeOffset? CreationRequestDateTime { get; init; }

    public string? TableName { get; init; }

    public IReadOnlyList<StreamKeySchemaElement> KeySchema { get; init; } = [];

    public IReadOnlyList<Shard> Shards { get; init; } = [];

    /// <summary>Set when there are more shards; pass it as exclusiveStartShardId for the next page.</summary>
    public string? LastEvaluatedShardId { get; init; }
}

/// <param name="KeyType">HASH or RANGE.</param>
public sealed record StreamKeySchemaElement(string AttributeName, string KeyType);

/// <param name="ParentShardId">
/// Set when this shard split from another; read the parent to its end first to keep each item's changes in order.
/// </param>
public sealed record Shard(string ShardId, SequenceNumberRange SequenceNumberRange, string? ParentShardId = null)
{
    /// <summary>A closed shard takes no new records; once drained, GetRecords returns no next iterator.</summary>
    [JsonIgnore]
    public bool IsClosed => SequenceNumberRange.EndingSequenceNumber is not null;
}

/// <param name="EndingSequenceNumber">Null while the shard is open.</param>
public sealed record SequenceNumberRange(string StartingSequenceNumber, string? EndingSequenceNumber = null);
