using System.Text.Json.Serialization;

namespace Microservices.Streams.Lambda;

/// <summary>
/// One change from a DynamoDB stream. Lambda's record and the Streams API's GetRecords record share this shape;
/// only Lambda adds <see cref="EventSourceArn"/>.
/// </summary>
public sealed record DynamoDbStreamRecord
{
    [JsonPropertyName("eventID")]
    public required string EventId { get; init; }

    /// <summary>One of <see cref="StreamEventName"/>.</summary>
    [JsonPropertyName("eventName")]
    public required string EventName { get; init; }

    [JsonPropertyName("eventVersion")]
    public string? EventVersion { get; init; }

    [JsonPropertyName("eventSource")]
    public string? EventSource { get; init; }

    [JsonPropertyName("awsRegion")]
    public string? AwsRegion { get; init; }

    [JsonPropertyName("eventSourceARN")]
    public string? EventSourceArn { get; init; }

    [JsonPropertyName("dynamodb")]
    public required StreamRecord Dynamodb { get; init; }

    /// <summary>Present only when DynamoDB itself made the change, which today means a TTL deletion.</summary>
    [JsonPropertyName("userIdentity")]
    public StreamUserIdentity? UserIdentity { get; init; }

    /// <summary>True for a REMOVE that TTL expiry caused rather than a caller.</summary>
    [JsonIgnore]
    public bool IsTtlDeletion =>
        EventName == StreamEventName.Remove
        && UserIdentity is { Type: "Service", PrincipalId: "dynamodb.amazonaws.com" };
}
