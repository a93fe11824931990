using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AppHost;

/// <summary>
/// A RabbitMQ node of the machine's Debian <c>rabbitmq-server</c>, run as an executable resource in a directory of its
/// own under the system's temporary folder, fresh for every run. Its one user is made from its configuration file at
/// first boot (<c>default_user</c>), with a password new for every run: there is no <c>guest</c> to connect as.
/// </summary>
public sealed record LocalRabbitMq(IResourceBuilder<ExecutableResource> Resource, int Port, string Username, string Password)
{
    public const string User = "microservices";

    public static LocalRabbitMq Add(IDistributedApplicationBuilder builder, string name, int port, int distributionPort)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var nodeName = $"{name}-{port}@localhost";
        var directory = Path.Combine(Path.GetTempPath(), $"microservices-{name}-{port}");
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        Prepare(directory, port, password);

        var healthCheck = $"{name}-accepts-connections";
        builder.Services.AddHealthChecks().AddAsyncCheck(healthCheck, async cancellationToken =>
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port, cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (SocketException exception)
            {
                return HealthCheckResult.Unhealthy($"nothing accepts connections on port {port} yet", exception);
            }
        });

        var resource = builder.AddExecutable(name, "rabbitmq-server", directory)
            .WithEnvironment("RABBITMQ_NODENAME", nodeName)
            .WithEnvironment("RABBITMQ_DIST_PORT", distributionPort.ToString(CultureInfo.InvariantCulture))
            .WithEnvironment("RABBITMQ_CONFIG_FILE", Path.Combine(directory, "rabbitmq.conf"))
            .WithEnvironment("RABBITMQ_MNESIA_BASE", Path.Combine(directory, "mnesia"))
            .WithEnvironment("RABBITMQ_LOG_BASE", Path.Combine(directory, "log"))
            // The node's log on standard output, so the dashboard shows it with the resource.
            .WithEnvironment("RABBITMQ_LOGS", "-")
            .WithEnvironment("RABBITMQ_ENABLED_PLUGINS_FILE", Path.Combine(directory, "plugins"))
            .WithEnvironment("RABBITMQ_PID_FILE", Path.Combine(directory, "pid"))
            .WithEnvironment("RABBITMQ_FEATURE_FLAGS_FILE", Path.Combine(directory, "feature_flags"))
            .WithEnvironment("RABBITMQ_QUORUM_DIR", Path.Combine(directory, "quorum"))
            .WithEnvironment("ERL_CRASH_DUMP", Path.Combine(directory, "log", "erl_crash.dump"))
            .WithEndpoint(port: port, targetPort: port, scheme: "amqp", name: "amqp", isProxied: false)
            .WithHealthCheck(healthCheck);
        return new LocalRabbitMq(resource, port, User, password);
    }

    /// <summary>A fresh directory: no queues or users of an earlier run, the plugins off, the user and its password in the configuration.</summary>
    private static void Prepare(string directory, int port, string password)
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        Directory.CreateDirectory(Path.Combine(directory, "mnesia"));
        Directory.CreateDirectory(Path.Combine(directory, "log"));
        File.WriteAllText(Path.Combine(directory, "plugins"), "[].");
        File.WriteAllText(Path.Combine(directory, "rabbitmq.conf"), string.Join('\n',
            $"listeners.tcp.default = 127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
            $"default_user = {User}",
            $"default_pass = {password}",
            "default_vhost = /",
            "default_permissions.configure = .*",
            "default_permissions.read = .*",
            "default_permissions.write = .*",
            "") + "\n");
        // Run as root, Debian's wrapper starts the server as the rabbitmq user, which must own the directory.
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        File.SetUnixFileMode(Path.Combine(directory, "rabbitmq.conf"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        if (Environment.UserName == "root")
        {
            using var chown = System.Diagnostics.Process.Start("chown", ["-R", "rabbitmq:rabbitmq", directory]);
            chown.WaitForExit();
        }
    }
}
