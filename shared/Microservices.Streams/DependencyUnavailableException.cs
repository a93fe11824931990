namespace Microservices.Streams;

/// <summary>
/// Thrown by a handler when something every record needs is down (the message broker, say), not when a record is
/// bad. The consumer then waits and retries the same batch for as long as it takes, without counting attempts
/// against the record, bisecting or dead-lettering: during an outage every record would fail alike, and
/// dead-lettering them all would turn an outage into a replay job. This is our extension of Lambda's contract;
/// behind Lambda the exception is an ordinary function error.
/// </summary>
public sealed class DependencyUnavailableException : Exception
{
    public DependencyUnavailableException()
    {
    }

    public DependencyUnavailableException(string message)
        : base(message)
    {
    }

    public DependencyUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
