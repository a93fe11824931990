using System.Globalization;
using System.Security.Cryptography;

namespace Microservices.Messaging;

/// <summary>
/// The directory, configuration and environment of a private node of Debian's <c>rabbitmq-server</c>: the
/// one-command run's broker and every node the tests and benchmarks start are made this way. The node listens on
/// 127.0.0.1 only; its one user is made from its configuration file at its first boot (<c>default_user</c>), with a
/// password new for every node, so there is no <c>guest</c> to connect as. The user stays in the node's database
/// across restarts of the node.
/// </summary>
public sealed record LocalRabbitMqNode(string Directory, string NodeName, int Port, int DistributionPort)
{
    /// <summary>The node's one user, as a deployment has.</summary>
    public const string Username = "microservices";

    public string Password { get; init; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    public string ConfigFile => Path.Combine(Directory, "rabbitmq.conf");

    public string PidFile => Path.Combine(Directory, "pid");

    /// <summary>What the server and <c>rabbitmqctl</c> need to find the node and keep everything in its directory.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["RABBITMQ_NODENAME"] = NodeName,
        ["RABBITMQ_DIST_PORT"] = DistributionPort.ToString(CultureInfo.InvariantCulture),
        ["RABBITMQ_CONFIG_FILE"] = ConfigFile,
        ["RABBITMQ_MNESIA_BASE"] = Path.Combine(Directory, "mnesia"),
        ["RABBITMQ_LOG_BASE"] = Path.Combine(Directory, "log"),
        ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(Directory, "plugins"),
        ["RABBITMQ_PID_FILE"] = PidFile,
        ["RABBITMQ_FEATURE_FLAGS_FILE"] = Path.Combine(Directory, "feature_flags"),
        ["RABBITMQ_QUORUM_DIR"] = Path.Combine(Directory, "quorum"),
        // A node that fails to boot writes an Erlang crash dump; keep it with the node, not in the working directory.
        ["ERL_CRASH_DUMP"] = Path.Combine(Directory, "log", "erl_crash.dump"),
    };

    /// <summary>
    /// Makes the node's directory afresh (no queues or users of an earlier node): its database and log folders, no
    /// plugins, and the configuration with the listener and the user. Run as root, Debian's wrapper starts the server
    /// as the <c>rabbitmq</c> user, which then owns the directory.
    /// </summary>
    public void Prepare()
    {
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }

        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "mnesia"));
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "log"));
        File.WriteAllText(Path.Combine(Directory, "plugins"), "[].");
        File.WriteAllText(ConfigFile, string.Join('\n',
            $"listeners.tcp.default = 127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}",
            $"default_user = {Username}",
            $"default_pass = {Password}",
            "default_vhost = /",
            "default_permissions.configure = .*",
            "default_permissions.read = .*",
            "default_permissions.write = .*",
            "") + "\n");
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        File.SetUnixFileMode(ConfigFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        if (System.Environment.UserName == "root")
        {
            using var chown = System.Diagnostics.Process.Start("chown", ["-R", "rabbitmq:rabbitmq", Directory])
                ?? throw new InvalidOperationException("chown did not start.");
            chown.WaitForExit();
            if (chown.ExitCode != 0)
            {
                throw new InvalidOperationException($"chown of {Directory} to the rabbitmq user failed with exit code {chown.ExitCode}.");
            }
        }
    }
}
