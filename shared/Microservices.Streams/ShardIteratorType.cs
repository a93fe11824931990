using System.Text.Json.Serialization;

namespace Microservices.Streams;

/// <summary>Where in a shard GetShardIterator starts reading.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ShardIteratorType>))]
public enum ShardIteratorType
{
    /// <summary>The oldest record still in the shard (streams keep 24 hours).</summary>
    [JsonStringEnumMemberName("TRIM_HORIZON")]
    TrimHorizon,

    /// <summary>Only records written after the iterator is made.</summary>
    [JsonStringEnumMemberName("LATEST")]
    Latest,

    [JsonStringEnumMemberName("AT_SEQUENCE_NUMBER")]
    AtSequenceNumber,

    /// <summary>Resuming after a checkpoint: the record with the given sequence number was already handled.</summary>
    [JsonStringEnumMemberName("AFTER_SEQUENCE_NUMBER")]
    AfterSequenceNumber,
}
