using System.Text.Json.Serialization;

namespace Microservices.Shared.Lambda;

/// <summary>The payload Lambda hands to a function subscribed to a DynamoDB stream.</summary>
public sealed record DynamoDbEvent
{
    [JsonPropertyName("Records")]
    public IReadOnlyList<DynamoDbStreamRecord> Records { get; init; } = [];
}
