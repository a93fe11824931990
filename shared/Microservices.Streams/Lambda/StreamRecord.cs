using System.Text.Json.Serialization;
using Amazon.DynamoDBv2.Model;

namespace Microservices.Streams.Lambda;

/// <summary>
/// The "dynamodb" part of a stream record. The images use the SDK's own <see cref="AttributeValue"/> maps so handler
/// code can pass them straight to the DynamoDB client.
/// </summary>
public sealed record StreamRecord
{
    [JsonConverter(typeof(EpochSecondsJsonConverter))]
    public DateTimeOffset? ApproximateCreationDateTime { get; init; }

    public Dictionary<string, AttributeValue>? Keys { get; init; }

    /// <summary>Absent for REMOVE and for streams of view type KEYS_ONLY or OLD_IMAGE.</summary>
    public Dictionary<string, AttributeValue>? NewImage { get; init; }

    /// <summary>Absent for INSERT and for streams of view type KEYS_ONLY or NEW_IMAGE.</summary>
    public Dictionary<string, AttributeValue>? OldImage { get; init; }

    /// <summary>Kept as text: it is up to 40 digits, which no .NET integer type holds, and is compared as a string by AWS.</summary>
    public required string SequenceNumber { get; init; }

    public long? SizeBytes { get; init; }

    public string? StreamViewType { get; init; }
}
