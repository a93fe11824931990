using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microservices.ServiceDefaults.Auth;

namespace Ops.Soak;

/// <summary>
/// The whole system as separate processes on one table and one broker: the three APIs, the event relay and the
/// Catalog and Orders workers, each hosted by <c>ops host</c>. Every process injects DynamoDB faults into its own SDK
/// client at the soak's rate; the workers also duplicate and delay deliveries. The workers and the relay are the ones the soak kills.
/// </summary>
public sealed class SoakSystem : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    /// <summary>This tool, beside which the services it hosts were built (the test project's output holds it too).</summary>
    private static readonly string OpsDll = Path.Combine(AppContext.BaseDirectory, "ops.dll");
    private readonly List<ServiceProcess> _all = [];

    private SoakSystem()
    {
    }

    public Uri Catalog { get; private set; } = null!;

    public Uri Clients { get; private set; } = null!;

    public Uri Orders { get; private set; } = null!;

    /// <summary>
    /// A staff token the workload sends, signed with the development key this system's APIs were given (a new one
    /// for each soak, never written to disk).
    /// </summary>
    public string StaffToken { get; private set; } = null!;

    /// <summary>The processes the soak may SIGKILL: the event relay and the two workers.</summary>
    public IReadOnlyList<ServiceProcess> Killable { get; private set; } = [];

    /// <summary>Every incarnation's fault counts file; a killed process leaves its last counts behind.</summary>
    public string FaultCountsDirectory { get; private set; } = "";

    public static async Task<SoakSystem> StartAsync(SoakSettings soak, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(soak);
        var system = new SoakSystem();
        var logs = Directory.CreateDirectory(Path.Combine(soak.WorkDirectory, "logs")).FullName;
        system.FaultCountsDirectory = Directory.CreateDirectory(Path.Combine(soak.WorkDirectory, "faults")).FullName;
        var seed = soak.Seed * 1000;
        var signingKey = DevelopmentTokens.NewSigningKey();
        system.StaffToken = DevelopmentTokens.Staff(signingKey, TimeSpan.FromDays(1));

        ServiceProcess Service(string name, bool consumes, IReadOnlyDictionary<string, string?>? extra = null)
        {
            var processSeed = seed += 100;
            // Each service in an ops process of its own ('ops host'): the service's own builder plus the faults below.
            var process = new ServiceProcess(name, [OpsDll, "host", name], logs, incarnation =>
            {
                var settings = soak.Tables.ToSettings();
                settings["Logging:LogLevel:Default"] = "Warning";
                settings["Auth:SigningKey"] = signingKey;
                // One caller drives the whole load on purpose: no rate limit in its way.
                settings["Limits:RequestsPerSecond"] = "1000000";
                settings["Limits:RequestBurst"] = "1000000";
                // The soak waits for this category's "Application started" line.
                settings["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information";
                settings["Faults:DynamoDbRate"] = soak.DynamoDbFaultRate.ToString(CultureInfo.InvariantCulture);
                settings["Faults:Seed"] = (processSeed + incarnation).ToString(CultureInfo.InvariantCulture);
                settings["Faults:CountsFile"] = Path.Combine(system.FaultCountsDirectory, $"{name}.{incarnation}.json");
                if (consumes)
                {
                    settings["Faults:DuplicateRate"] = soak.DuplicateRate.ToString(CultureInfo.InvariantCulture);
                    settings["Faults:DelayRate"] = soak.DelayRate.ToString(CultureInfo.InvariantCulture);
                }

                foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
                {
                    settings[key] = value;
                }

                return settings;
            });
            system._all.Add(process);
            return process;
        }

        var broker = soak.Broker.Settings();
        var catalogWorker = Service("catalog-worker", consumes: true, broker);
        var ordersWorker = Service("orders-worker", consumes: true, broker);
        var relay = Service("event-relay", consumes: false, new Dictionary<string, string?>(broker)
        {
            // A restarted relay takes over its killed predecessor's shard within a few seconds rather than ten.
            ["StreamConsumers:integration-events:FailoverTime"] = "00:00:03",
            ["StreamConsumers:integration-events:MaxRetryBackoff"] = "00:00:01",
        });
        system.Killable = [relay, catalogWorker, ordersWorker];

        (ServiceProcess Process, Uri Url) Api(string name)
        {
            var url = new Uri($"http://127.0.0.1:{FreePort()}");
            return (Service(name, consumes: false, new Dictionary<string, string?> { ["ASPNETCORE_URLS"] = url.ToString() }), url);
        }

        var catalog = Api("catalog-api");
        var clients = Api("clients-api");
        var orders = Api("orders-api");
        (system.Catalog, system.Clients, system.Orders) = (catalog.Url, clients.Url, orders.Url);
        try
        {
            // All at once, in no order: the relay declares every subscriber's queue before it publishes anything.
            await Task.WhenAll(
                catalogWorker.StartAsync(StartTimeout, cancellationToken),
                ordersWorker.StartAsync(StartTimeout, cancellationToken),
                relay.StartAsync(StartTimeout, cancellationToken),
                catalog.Process.StartAsync(StartTimeout, cancellationToken),
                clients.Process.StartAsync(StartTimeout, cancellationToken),
                orders.Process.StartAsync(StartTimeout, cancellationToken));
        }
        catch
        {
            await system.DisposeAsync();
            throw;
        }

        return system;
    }

    /// <summary>Stops every process gracefully, so each writes its last fault counts.</summary>
    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_all.Select(p => p.DisposeAsync().AsTask()));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
