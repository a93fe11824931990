using System.Text.Json.Serialization;

namespace Microservices.Streams.Lambda;

/// <summary>
/// Lambda's partial batch response for stream sources (needs ReportBatchItemFailures on the event source mapping).
/// Lambda retries from the lowest sequence number listed, so list the first failure and, if you like, the ones after it.
/// </summary>
public sealed record StreamsEventResponse
{
    [JsonPropertyName("batchItemFailures")]
    public IReadOnlyList<BatchItemFailure> BatchItemFailures { get; init; } = [];

    public static StreamsEventResponse Success { get; } = new();

    public static StreamsEventResponse FailedFrom(DynamoDbStreamRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new StreamsEventResponse { BatchItemFailures = [new BatchItemFailure(record.Dynamodb.SequenceNumber)] };
    }
}

/// <param name="ItemIdentifier">The failed record's SequenceNumber.</param>
public sealed record BatchItemFailure([property: JsonPropertyName("itemIdentifier")] string ItemIdentifier);
