using System.Diagnostics;
using System.Text;

namespace Microservices.Tests.Infrastructure;

/// <summary>
/// A built worker (the event relay or a service worker) run as its own process, configured only through environment variables as in
/// docker-compose, so a test can kill it the way an OOM killer or a lost node would: SIGKILL, no shutdown code.
/// </summary>
public sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private WorkerProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public bool HasExited => _process.HasExited;

    public int Id => _process.Id;

    /// <summary>The event relay: reads the stream and publishes every service's events.</summary>
    public const string Relay = "EventRelay.dll";

    /// <summary>The Catalog worker: consumes Catalog's events to keep its copies.</summary>
    public const string CatalogWorker = "Catalog.Worker.dll";

    /// <summary>Runs a built program (a worker's command, or <c>ops</c>) to its end: its exit code, standard output and standard error.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunCommandAsync(
        IEnumerable<string> arguments, IReadOnlyDictionary<string, string?> settings, string program = Relay)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = AppContext.BaseDirectory };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, program));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await output, await error);
    }

    public static WorkerProcess Start(DynamoDbOptions tables, IReadOnlyDictionary<string, string?> messaging, string program) =>
        Start(tables, messaging, program, []);

    /// <summary>A built program with <paramref name="arguments"/> (an <c>ops</c> verb), to be killed while it runs.</summary>
    public static WorkerProcess Start(DynamoDbOptions tables, IReadOnlyDictionary<string, string?> messaging, string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, program));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in Settings.Of(tables).Concat(messaging))
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        return new WorkerProcess(Process.Start(start) ?? throw new InvalidOperationException("The worker did not start."));
    }

    /// <summary>The exit code, once the process has ended.</summary>
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>Waits for the process to end by itself; its exit code, or null if it is still running after <paramref name="timeout"/>.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(timeout, TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
            return null;
        }

        return _process.ExitCode;
    }

    /// <summary>SIGTERM, as Lambda (or docker stop) ends a process: it may shut down in its own way. Returns its exit code, or null if it outlives <paramref name="timeout"/>.</summary>
    public async Task<int?> TerminateAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        return await WaitForExitAsync(timeout);
    }

    /// <summary>SIGKILL: messages in flight are unacknowledged and the stream checkpoint is wherever it last was.</summary>
    public void KillHard()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public string Output()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            KillHard();
        }

        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
