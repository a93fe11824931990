using System.Diagnostics;

namespace Ops.Soak;

/// <summary>
/// One of the system's built services, run as its own process (through <c>ops host</c>) and configured only through
/// environment variables (as docker-compose does), so the soak can SIGKILL it and start it again. Each start is an
/// incarnation with its own log file and its own fault counts file.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly IReadOnlyList<string> _command;
    private readonly Func<int, IReadOnlyDictionary<string, string?>> _settings;
    private readonly string _logs;
    private Process? _process;
    private TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <param name="command">The program to run with dotnet and its arguments, e.g. <c>ops.dll host catalog-api</c>.</param>
    /// <param name="settings">The configuration of an incarnation, given its number (0 for the first start).</param>
    public ServiceProcess(string name, IReadOnlyList<string> command, string logs, Func<int, IReadOnlyDictionary<string, string?>> settings)
    {
        ArgumentNullException.ThrowIfNull(command);
        Name = name;
        _command = command;
        _logs = logs;
        _settings = settings;
    }

    public string Name { get; }

    /// <summary>How many times it has been started.</summary>
    public int Incarnations { get; private set; }

    public bool Running => _process is { HasExited: false };

    public string LogFile(int incarnation) => Path.Combine(_logs, $"{Name}.{incarnation}.log");

    /// <summary>Starts a new incarnation and waits until the host says it has started (its bus and consumers are up).</summary>
    public async Task StartAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!File.Exists(_command[0]))
        {
            throw new FileNotFoundException($"{Name}: {_command[0]} is not built. Build the solution first (dotnet build Microservices.sln -c Release).", _command[0]);
        }

        var incarnation = Incarnations++;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(_command[0])!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in _command)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in _settings(incarnation))
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        _started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new StreamWriter(LogFile(incarnation)) { AutoFlush = true };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{Name} did not start.");
        var started = _started;
        void Line(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (log)
            {
                log.WriteLine(line);
            }

            // The generic host logs this once every hosted service, the bus among them, has started.
            if (line.Contains("Application started", StringComparison.Ordinal))
            {
                started.TrySetResult();
            }
        }

        process.OutputDataReceived += (_, e) => Line(e.Data);
        process.ErrorDataReceived += (_, e) => Line(e.Data);
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) =>
        {
            started.TrySetException(new InvalidOperationException($"{Name} exited with code {process.ExitCode} before it started; see {LogFile(incarnation)}."));
            lock (log)
            {
                log.Dispose();
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        await started.Task.WaitAsync(timeout, cancellationToken);
    }

    /// <summary>SIGKILL: no shutdown code runs, messages in flight stay unacknowledged, the checkpoint stays where it was.</summary>
    public async Task KillAsync()
    {
        if (_process is { } process && !process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>A graceful stop (SIGTERM), so the last fault counts are written.</summary>
    public async Task StopAsync()
    {
        if (_process is not { } process || process.HasExited)
        {
            return;
        }

        using var terminate = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await terminate.WaitForExitAsync();
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await process.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process?.Dispose();
    }
}
