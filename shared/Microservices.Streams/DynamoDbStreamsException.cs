using System.Net;

namespace Microservices.Streams;

/// <summary>An error answer from DynamoDB Streams.</summary>
/// <param name="errorType">The error's short name, e.g. ExpiredIteratorException.</param>
public class DynamoDbStreamsException(string errorType, string message, HttpStatusCode statusCode)
    : Exception($"{errorType}: {message}")
{
    public string ErrorType { get; } = errorType;

    /// <summary>The service's own message, without the error type in front.</summary>
    public string ServiceMessage { get; } = message;

    public HttpStatusCode StatusCode { get; } = statusCode;
}

/// <summary>The shard iterator is older than 15 minutes: get a new one from the last processed sequence number.</summary>
public sealed class ExpiredIteratorException(string errorType, string message, HttpStatusCode statusCode)
    : DynamoDbStreamsException(errorType, message, statusCode);

/// <summary>
/// The iterator points before the shard's trim horizon (records older than 24 hours are gone): records were lost
/// to this reader, restart from TRIM_HORIZON and reconcile.
/// </summary>
public sealed class TrimmedDataAccessException(string errorType, string message, HttpStatusCode statusCode)
    : DynamoDbStreamsException(errorType, message, statusCode);

/// <summary>The stream or shard does not exist, or the stream was disabled and has since aged out.</summary>
public sealed class StreamResourceNotFoundException(string errorType, string message, HttpStatusCode statusCode)
    : DynamoDbStreamsException(errorType, message, statusCode);

/// <summary>Too many requests, still so after the client's own retries: slow down.</summary>
public sealed class StreamsThrottledException(string errorType, string message, HttpStatusCode statusCode)
    : DynamoDbStreamsException(errorType, message, statusCode);
