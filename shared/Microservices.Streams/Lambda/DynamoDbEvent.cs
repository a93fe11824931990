using System.Text.Json.Serialization;

namespace Microservices.Streams.Lambda;

/// <summary>The payload Lambda hands to a function subscribed to a DynamoDB stream.</summary>
public sealed record DynamoDbEvent
{
    [JsonPropertyName("Records")]
    public IReadOnlyList<DynamoDbStreamRecord> Records { get; init; } = [];

    /// <summary>
    /// What keeps a deserialized event from being one a handler can take (JSON null where a record, its "dynamodb"
    /// part or its sequence number must be), or null when there is nothing wrong with it.
    /// </summary>
    public string? Problem()
    {
        if (Records is null)
        {
            return "\"Records\" is null; a stream event holds a list of records.";
        }

        for (var i = 0; i < Records.Count; i++)
        {
            var problem = Records[i] switch
            {
                null => "is null",
                { Dynamodb: null } => "has no \"dynamodb\" part",
                { Dynamodb.SequenceNumber: null or "" } => "has no SequenceNumber",
                { EventName: null or "" } => "has no eventName",
                _ => null,
            };
            if (problem is not null)
            {
                return $"Records[{i}] {problem}.";
            }
        }

        return null;
    }
}
