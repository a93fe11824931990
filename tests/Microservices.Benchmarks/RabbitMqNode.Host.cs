namespace Microservices.Tests.Infrastructure;

/// <summary>In the benchmarks, a node's diagnostics go to standard error and nothing cancels its waits but their own timeouts.</summary>
public sealed partial class RabbitMqNode
{
    private static CancellationToken Cancellation => CancellationToken.None;

    private static void Diagnostic(string message) => Console.Error.WriteLine(message);
}
