
namespace Microservices.Tests.Infrastructure;

/// <summary>
/// The Ops command-line tool run as a user runs it: the built ops.dll in a process of its own, on a test's tables. The
/// one way the tests run Ops.
/// </summary>
public static class OpsTool
{
    /// <summary>Runs <c>ops</c> with <paramref name="arguments"/> (the verb first) on <paramref name="tables"/>; its exit code and output.</summary>
    public static Task<(int ExitCode, string Output)> RunAsync(DynamoDbOptions tables, params string[] arguments)
    {
        ArgumentNullException.ThrowIfNull(tables);
        return RunAsync(tables.ServiceUrl!, tables, arguments);
    }

    /// <summary>As <see cref="RunAsync(DynamoDbOptions, string[])"/>, against another DynamoDB endpoint.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string endpoint, DynamoDbOptions tables, params string[] arguments)
    {
        ArgumentNullException.ThrowIfNull(tables);
        var (exitCode, output, error) = await WorkerProcess.RunCommandAsync(
            [.. arguments, "--endpoint", endpoint, "--table", tables.TableName, "--lease-table", tables.LeaseTableName],
            new Dictionary<string, string?>(),
            "ops.dll");
        return (exitCode, output + error);
    }
}
