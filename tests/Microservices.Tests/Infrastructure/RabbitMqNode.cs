using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Microservices.Tests.Infrastructure;

/// <summary>
/// A private RabbitMQ node of the machine's rabbitmq-server, on free ports and in its own directory, so tests never
/// depend on (or disturb) a system broker. Stopping and starting it again keeps its durable queues and persistent
/// messages, as a broker restart in production does.
/// </summary>
public sealed class RabbitMqNode : IAsyncDisposable
{
    private readonly string _directory;
    private readonly Dictionary<string, string> _environment;
    private readonly StringBuilder _serverOutput = new();
    private Process? _server;

    private RabbitMqNode(string name)
    {
        NodeName = $"{name}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}@localhost";
        Port = FreePort();
        _directory = Path.Combine(Path.GetTempPath(), $"rabbitmq-{NodeName.Split('@')[0]}");
        _environment = new()
        {
            ["RABBITMQ_NODENAME"] = NodeName,
            ["RABBITMQ_NODE_PORT"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RABBITMQ_DIST_PORT"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(_directory, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = Path.Combine(_directory, "log"),
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(_directory, "plugins"),
            ["RABBITMQ_PID_FILE"] = PidFile,
            ["RABBITMQ_FEATURE_FLAGS_FILE"] = Path.Combine(_directory, "feature_flags"),
            ["RABBITMQ_QUORUM_DIR"] = Path.Combine(_directory, "quorum"),
        };
    }

    public string NodeName { get; }

    public string Host { get; } = "127.0.0.1";

    public int Port { get; }

    private string PidFile => Path.Combine(_directory, "pid");

    /// <summary>Starts a fresh node named after <paramref name="name"/> and waits until it accepts connections.</summary>
    public static async Task<RabbitMqNode> StartAsync(string name)
    {
        var node = new RabbitMqNode(name);
        Directory.CreateDirectory(Path.Combine(node._directory, "mnesia"));
        Directory.CreateDirectory(Path.Combine(node._directory, "log"));
        await File.WriteAllTextAsync(Path.Combine(node._directory, "plugins"), "[].");
        // Run as root, the Debian wrapper starts the server as the rabbitmq user, which must own its directory.
        if (Environment.UserName == "root")
        {
            await RunAsync("chown", ["-R", "rabbitmq:rabbitmq", node._directory]);
        }

        await node.StartAsync();
        return node;
    }

    /// <summary>Starts the node again on the same directory and ports (after <see cref="StopAsync"/>).</summary>
    public async Task StartAsync()
    {
        var start = new ProcessStartInfo("rabbitmq-server") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in _environment)
        {
            start.Environment[key] = value;
        }

        _server = Process.Start(start) ?? throw new InvalidOperationException("rabbitmq-server did not start.");
        _server.OutputDataReceived += (_, e) => Keep(e.Data);
        _server.ErrorDataReceived += (_, e) => Keep(e.Data);
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();
        var (exitCode, output) = await CtlAsync("wait", PidFile, "--timeout", "60");
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"RabbitMQ node {NodeName} did not start: {output}\n{ServerOutput()}");
        }
    }

    /// <summary>Stops the node and waits until its process is gone, as a broker outage would.</summary>
    public async Task StopAsync()
    {
        var (exitCode, output) = await CtlAsync("stop", PidFile);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"RabbitMQ node {NodeName} did not stop: {output}");
        }

        if (_server is not null)
        {
            await _server.WaitForExitAsync();
            _server.Dispose();
            _server = null;
        }
    }

    /// <summary>
    /// Closes every client connection on the node, as a network blip or a broker failover does: publishers and
    /// consumers must reconnect by themselves. Returns how many connections were open just before.
    /// </summary>
    public async Task<int> CloseAllConnectionsAsync(string reason = "fault injection")
    {
        var (exitCode, listed) = await CtlAsync("list_connections", "--quiet", "--no-table-headers", "pid");
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"rabbitmqctl list_connections failed: {listed}");
        }

        await CheckedCtlAsync("close_all_connections", reason);
        return listed.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Count(l => l.StartsWith('<'));
    }

    /// <summary>A virtual host the guest user may use: its exchanges and queues are invisible to every other vhost.</summary>
    public async Task<string> AddVirtualHostAsync(string name)
    {
        var vhost = $"{name}-{Guid.NewGuid().ToString("N")[..8]}";
        await CheckedCtlAsync("add_vhost", vhost);
        await CheckedCtlAsync("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*");
        return vhost;
    }

    /// <summary>
    /// The bindings of <paramref name="vhost"/> as "source -> destination (kind)", sorted, without the default
    /// exchange's implicit binding of every queue.
    /// </summary>
    public async Task<IReadOnlyList<string>> ListBindingsAsync(string vhost)
    {
        var (exitCode, listed) = await CtlAsync(
            "list_bindings", "-p", vhost, "--quiet", "--no-table-headers", "source_name", "destination_name", "destination_kind");
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"rabbitmqctl list_bindings failed: {listed}");
        }

        return
        [
            .. listed.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.Split('\t'))
                .Where(fields => fields.Length == 3 && fields[0].Length > 0)
                .Select(fields => $"{fields[0]} -> {fields[1]} ({fields[2].Trim()})")
                .Order(StringComparer.Ordinal),
        ];
    }

    /// <summary>The "Messaging" configuration section a worker reads to reach this node's <paramref name="vhost"/>.</summary>
    public Dictionary<string, string?> Settings(string vhost) => new()
    {
        ["Messaging:Transport"] = "RabbitMq",
        ["Messaging:Host"] = Host,
        ["Messaging:Port"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Messaging:VirtualHost"] = vhost,
        ["Messaging:Username"] = "guest",
        ["Messaging:Password"] = "guest",
        ["Messaging:PublishTimeout"] = "00:00:03",
        ["Messaging:RetryLimit"] = "5",
        ["Messaging:RetryMinInterval"] = "00:00:00.100",
        ["Messaging:RetryMaxInterval"] = "00:00:01",
    };

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (File.Exists(PidFile))
            {
                await CtlAsync("stop", PidFile);
            }
        }
        finally
        {
            // A node that would not stop must not outlive the test run.
            if (File.Exists(PidFile) && int.TryParse((await File.ReadAllTextAsync(PidFile)).Trim(), out var pid))
            {
                await RunAsync("kill", ["-9", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            }

            _server?.Dispose();
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // Left in the temp directory; it holds nothing another run could pick up.
            }
        }
    }

    private async Task CheckedCtlAsync(params string[] arguments)
    {
        var (exitCode, output) = await CtlAsync(arguments);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"rabbitmqctl {string.Join(' ', arguments)} failed: {output}");
        }
    }

    private Task<(int ExitCode, string Output)> CtlAsync(params string[] arguments) =>
        RunAsync("rabbitmqctl", ["-n", NodeName, .. arguments], _environment);

    private static async Task<(int ExitCode, string Output)> RunAsync(
        string command, IEnumerable<string> arguments, Dictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? [])
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{command} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await errors);
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_serverOutput)
        {
            _serverOutput.AppendLine(line);
        }
    }

    private string ServerOutput()
    {
        lock (_serverOutput)
        {
            return _serverOutput.ToString();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
