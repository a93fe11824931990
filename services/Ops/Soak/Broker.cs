using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;

namespace Ops.Soak;

/// <summary>
/// The RabbitMQ broker the soak's services share: how they reach it, and <c>rabbitmqctl</c> for what the soak does
/// to it (create and delete its own virtual host; drop every connection; ask whether any message is still queued or
/// unacknowledged).
/// </summary>
/// <param name="VirtualHost">The virtual host every process uses; null until the soak has created its own.</param>
/// <param name="Username">The user every process connects as: given with an existing virtual host, else the soak's own.</param>
public sealed record Broker(string Host, int Port, string? VirtualHost, string? Username, string? Password, string? Node)
{
    /// <summary>
    /// Creates the virtual host <paramref name="name"/> and a user of the same name with a new random password, who
    /// may configure, write and read all of it and nothing else: a soak's queues, and whatever an earlier run left in
    /// its own, are then invisible to each other, and no process of the soak connects as <c>guest</c>.
    /// </summary>
    public async Task<Broker> CreateVirtualHostAsync(string name, CancellationToken cancellationToken)
    {
        await CtlAsync(cancellationToken, "add_vhost", name);
        var created = this with { VirtualHost = name, Username = name, Password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)) };
        try
        {
            // On the command line, briefly visible to this machine's processes: the broker of a soak is a local one.
            await CtlAsync(cancellationToken, "add_user", name, created.Password);
            await CtlAsync(cancellationToken, "set_permissions", "-p", name, name, ".*", ".*", ".*");
        }
        catch
        {
            await created.DeleteVirtualHostAsync(CancellationToken.None);
            throw;
        }

        return created;
    }

    /// <summary>Deletes the virtual host with its exchanges, queues and messages, and its user (when it was made).</summary>
    public async Task DeleteVirtualHostAsync(CancellationToken cancellationToken)
    {
        await CtlAsync(cancellationToken, "delete_vhost", RequiredVirtualHost);
        var users = await CtlAsync(cancellationToken, "list_users", "--quiet", "--no-table-headers");
        if (users.Split('\n').Any(line => line.Split('\t')[0].Trim() == RequiredVirtualHost))
        {
            await CtlAsync(cancellationToken, "delete_user", RequiredVirtualHost);
        }
    }

    /// <summary>The "Messaging" section of every service, with short retries so that a soak settles quickly.</summary>
    public IReadOnlyDictionary<string, string?> Settings() => new Dictionary<string, string?>
    {
        ["Messaging:Transport"] = "RabbitMq",
        ["Messaging:Host"] = Host,
        ["Messaging:Port"] = Port.ToString(CultureInfo.InvariantCulture),
        ["Messaging:VirtualHost"] = RequiredVirtualHost,
        ["Messaging:Username"] = Username,
        ["Messaging:Password"] = Password,
        ["Messaging:PublishTimeout"] = "00:00:03",
        ["Messaging:RetryLimit"] = "8",
        ["Messaging:RetryMinInterval"] = "00:00:00.100",
        ["Messaging:RetryMaxInterval"] = "00:00:01",
    };

    /// <summary>Closes every client connection on the node, as a network blip or a broker failover would. Returns how many were open.</summary>
    public async Task<int> DropConnectionsAsync(CancellationToken cancellationToken)
    {
        var listed = await CtlAsync(cancellationToken, "list_connections", "--quiet", "--no-table-headers", "pid");
        await CtlAsync(cancellationToken, "close_all_connections", "soak: connection dropped on purpose");
        return listed.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Count(l => l.StartsWith('<'));
    }

    /// <summary>Whether every queue of the virtual host is empty with nothing unacknowledged (no message in a consumer's retry).</summary>
    public async Task<bool> IdleAsync(CancellationToken cancellationToken)
    {
        var listed = await CtlAsync(cancellationToken, "list_queues", "-p", RequiredVirtualHost, "--quiet", "--no-table-headers", "messages", "messages_unacknowledged");
        return listed.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .SelectMany(line => line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            .All(count => count == "0");
    }

    private string RequiredVirtualHost => VirtualHost ?? throw new InvalidOperationException("The soak's virtual host has not been created yet.");

    private async Task<string> CtlAsync(CancellationToken cancellationToken, params string[] arguments)
    {
        var start = new ProcessStartInfo("rabbitmqctl") { RedirectStandardOutput = true, RedirectStandardError = true };
        if (Node is not null)
        {
            start.ArgumentList.Add("-n");
            start.ArgumentList.Add(Node);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("rabbitmqctl did not start.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return process.ExitCode == 0
            ? await output
            : throw new InvalidOperationException($"rabbitmqctl {string.Join(' ', arguments)} failed: {await error}{await output}");
    }
}
