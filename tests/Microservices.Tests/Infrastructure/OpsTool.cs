using System.Diagnostics;
using Microservices.SingleTable;

namespace Microservices.Tests.Infrastructure;

/// <summary>The Ops command-line tool run as a user runs it: the built ops.dll in a process of its own, on a test's tables.</summary>
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
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "ops.dll") }
                     .Concat(arguments)
                     .Concat(["--endpoint", endpoint, "--table", tables.TableName, "--lease-table", tables.LeaseTableName]))
        {
            start.ArgumentList.Add(argument);
        }

        var cancellation = TestContext.Current.CancellationToken;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var output = process.StandardOutput.ReadToEndAsync(cancellation);
        var errors = process.StandardError.ReadToEndAsync(cancellation);
        await process.WaitForExitAsync(cancellation);
        return (process.ExitCode, await output + await errors);
    }
}
