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
    /// <summary>
    /// The event in <paramref name="json"/>, or null and what is wrong with it (not JSON, JSON null, not Lambda's
    /// shape): one reading for every way an event arrives, a file given to <c>handle</c> or a Lambda invocation.
    /// </summary>
    public static (DynamoDbEvent? Event, string? Problem) Read(ReadOnlySpan<byte> json)
    {
        try
        {
            var streamEvent = System.Text.Json.JsonSerializer.Deserialize<DynamoDbEvent>(json, LambdaJson.Options);
            return streamEvent is null ? (null, "the event is JSON null.") : streamEvent.Problem() is { } problem ? (null, problem) : (streamEvent, null);
        }
        catch (Exception exception) when (exception is System.Text.Json.JsonException or NotSupportedException)
        {
            return (null, exception.Message);
        }
    }

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
