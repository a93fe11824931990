namespace Microservices.Streams.Lambda;

/// <summary>How a stream worker runs as a Lambda function (<see cref="LambdaRuntimeLoop"/>), under <c>LambdaRuntime</c>.</summary>
public sealed class LambdaRuntimeOptions
{
    public const string Section = "LambdaRuntime";

    /// <summary>The stream consumer whose handler takes the invocations; needed only when the host has several.</summary>
    public string? Consumer { get; set; }

    /// <summary>
    /// How long before the invocation's deadline the handler is cancelled, so that its answer (the records it failed,
    /// or an error) still reaches Lambda before Lambda stops the function and retries the whole batch.
    /// </summary>
    public TimeSpan DeadlineMargin { get; set; } = TimeSpan.FromMilliseconds(500);
}
