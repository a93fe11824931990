namespace Microservices.Tests.Infrastructure;

/// <summary>In the tests, a node's diagnostics go to the test's output and its waits end with the test.</summary>
public sealed partial class RabbitMqNode
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static void Diagnostic(string message) => TestContext.Current.SendDiagnosticMessage(message);
}
