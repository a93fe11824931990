using System.Text.Json.Serialization;

namespace Microservices.Streams.Lambda;

/// <summary>Who made a change that no caller made: {"type":"Service","principalId":"dynamodb.amazonaws.com"} for TTL.</summary>
public sealed record StreamUserIdentity
{
    [JsonPropertyName("type")]
    public required string Type { get; init; }

    [JsonPropertyName("principalId")]
    public required string PrincipalId { get; init; }
}
