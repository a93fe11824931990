using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Microservices.Messaging;

namespace Microservices.Tests.Infrastructure;

/// <summary>
/// A private RabbitMQ node of the machine's rabbitmq-server, on free ports and in its own directory, so tests never
/// depend on (or disturb) a system broker. Stopping and starting it again keeps its durable queues and persistent
/// messages, as a broker restart in production does.
/// <para>
/// Ports: a free port can be taken by another process between the moment it is found and the moment the node binds
/// it. Within this process no port is handed out twice; against other processes a node that finds its port taken
/// (the server exits with <c>eaddrinuse</c> or <c>dist_port_already_used</c>) starts again on fresh ports.
/// </para>
/// <para>
/// Shared as source with the benchmarks; each project says in RabbitMqNode.Host.cs where its diagnostics go and what
/// cancels a wait (the test's token in the tests).
/// </para>
/// </summary>
public sealed partial class RabbitMqNode : IAsyncDisposable
{
    private readonly StringBuilder _serverOutput = new();
    private LocalRabbitMqNode _node;
    private Process? _server;

    /// <summary>How many times a fresh node is started on new ports when another process took the ones it was given.</summary>
    private const int PortAttempts = 5;

    /// <summary>Every port this process has handed to a node: the kernel may offer a released port again.</summary>
    private static readonly HashSet<int> PortsHandedOut = [];

    private RabbitMqNode(string name, int? firstPort)
    {
        var nodeName = $"{name}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}@localhost";
        _node = new LocalRabbitMqNode(Path.Combine(Path.GetTempPath(), $"rabbitmq-{nodeName.Split('@')[0]}"), nodeName, firstPort ?? FreePort(), FreePort());
    }

    public string NodeName => _node.NodeName;

    public string Host { get; } = "127.0.0.1";

    public int Port => _node.Port;

    public string Password => _node.Password;

    private string PidFile => _node.PidFile;

    /// <summary>Starts a fresh node named after <paramref name="name"/> and waits until it accepts connections.</summary>
    /// <param name="firstPort">The port to try first instead of a free one: a test of the clash path passes a taken one.</param>
    public static async Task<RabbitMqNode> StartAsync(string name, int? firstPort = null)
    {
        var node = new RabbitMqNode(name, firstPort);
        for (var attempt = 1; ; attempt++)
        {
            node._node.Prepare();
            var failure = await node.TryStartAsync();
            if (failure is null)
            {
                return node;
            }

            if (!IsPortClash(failure) || attempt == PortAttempts)
            {
                await node.DisposeAsync();
                throw new InvalidOperationException($"RabbitMQ node {node.NodeName} did not start (attempt {attempt}): {failure}");
            }

            Diagnostic(
                $"RabbitMQ node {node.NodeName}: port {node.Port} or its distribution port was taken by another process; starting on fresh ports.");
            node._node = node._node with { Port = FreePort(), DistributionPort = FreePort() };
        }
    }

    /// <summary>Starts the node again on the same directory and ports (after <see cref="StopAsync"/>).</summary>
    public async Task StartAsync()
    {
        // The clients know this node by its port, so a restart cannot move it; a clash here is reported as such.
        if (await TryStartAsync() is { } failure)
        {
            throw new InvalidOperationException(
                $"RabbitMQ node {NodeName} did not start again on port {Port}{(IsPortClash(failure) ? ", which another process has taken" : "")}: {failure}");
        }
    }

    /// <summary>Starts the server and waits until it accepts connections; null then, else what went wrong.</summary>
    private async Task<string?> TryStartAsync()
    {
        lock (_serverOutput)
        {
            _serverOutput.Clear();
        }

        var start = new ProcessStartInfo("rabbitmq-server") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in _node.Environment)
        {
            start.Environment[key] = value;
        }

        _server = Process.Start(start) ?? throw new InvalidOperationException("rabbitmq-server did not start.");
        _server.OutputDataReceived += (_, e) => Keep(e.Data);
        _server.ErrorDataReceived += (_, e) => Keep(e.Data);
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();

        // A server that cannot boot (a port taken, for one) exits, while 'wait' would go on waiting for its pid file.
        using var stopWaiting = new CancellationTokenSource();
        var ready = RunAsync("rabbitmqctl", ["-n", NodeName, "wait", PidFile, "--timeout", "60"], _node.Environment, stopWaiting.Token);
        var exited = _server.WaitForExitAsync(Cancellation);
        if (await Task.WhenAny(ready, exited) == exited)
        {
            await stopWaiting.CancelAsync();
            await ready;
            await _server.WaitForExitAsync(Cancellation); // the last lines of its output
            var code = _server.ExitCode;
            _server.Dispose();
            _server = null;
            File.Delete(PidFile);
            return $"the server exited with code {code}\n{ServerOutput()}";
        }

        var (exitCode, output) = await ready;
        return exitCode == 0 ? null : $"{output}\n{ServerOutput()}";
    }

    private static bool IsPortClash(string failure) =>
        failure.Contains("eaddrinuse", StringComparison.Ordinal) || failure.Contains("dist_port_already_used", StringComparison.Ordinal);

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

    /// <summary>A virtual host <see cref="LocalRabbitMqNode.Username"/> may use: its exchanges and queues are invisible to every other vhost.</summary>
    public async Task<string> AddVirtualHostAsync(string name)
    {
        var vhost = $"{name}-{Guid.NewGuid().ToString("N")[..8]}";
        await CheckedCtlAsync("add_vhost", vhost);
        await CheckedCtlAsync("set_permissions", "-p", vhost, LocalRabbitMqNode.Username, ".*", ".*", ".*");
        return vhost;
    }

    /// <summary>The names of the node's virtual hosts.</summary>
    public async Task<IReadOnlyList<string>> ListVirtualHostsAsync()
    {
        var (exitCode, listed) = await CtlAsync("list_vhosts", "--quiet", "--no-table-headers", "name");
        return exitCode == 0
            ? [.. listed.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]
            : throw new InvalidOperationException($"rabbitmqctl list_vhosts failed: {listed}");
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

    /// <summary>The queues of <paramref name="vhost"/>, each with how many messages it holds (ready and unacknowledged).</summary>
    public async Task<IReadOnlyDictionary<string, int>> ListQueuesAsync(string vhost)
    {
        var (exitCode, listed) = await CtlAsync("list_queues", "-p", vhost, "--quiet", "--no-table-headers", "name", "messages");
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"rabbitmqctl list_queues failed: {listed}");
        }

        return listed.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('\t'))
            .Where(fields => fields.Length == 2 && int.TryParse(fields[1].Trim(), System.Globalization.CultureInfo.InvariantCulture, out _))
            .ToDictionary(fields => fields[0], fields => int.Parse(fields[1].Trim(), System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal);
    }

    /// <summary>The "Messaging" configuration section a worker reads to reach this node's <paramref name="vhost"/>.</summary>
    public Dictionary<string, string?> Settings(string vhost) => new()
    {
        ["Messaging:Transport"] = "RabbitMq",
        ["Messaging:Host"] = Host,
        ["Messaging:Port"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Messaging:VirtualHost"] = vhost,
        ["Messaging:Username"] = LocalRabbitMqNode.Username,
        ["Messaging:Password"] = Password,
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
                Directory.Delete(_node.Directory, recursive: true);
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
        RunAsync("rabbitmqctl", ["-n", NodeName, .. arguments], _node.Environment);

    private static async Task<(int ExitCode, string Output)> RunAsync(
        string command, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{command} did not start.");
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }

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
        lock (PortsHandedOut)
        {
            while (true)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                if (PortsHandedOut.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
