using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Catalog.Api;
using System.Diagnostics;
using Catalog.Worker;
using Clients.Api;
using EventRelay;
using Microservices.Messaging;
using Microservices.Schema;
using Microservices.ServiceDefaults;
using Microservices.ServiceDefaults.Auth;
using Microservices.SingleTable;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orders.Api;
using Orders.Worker;

namespace Microservices.Benchmarks.Suite;

/// <summary>
/// One benchmark's system on the shared DynamoDB Local: its own table and a mirror table (same layout) for the raw
/// side, the three APIs in this process on loopback, each built by ServiceApp as its own Program builds it, and on
/// demand the workers (the relay and the Catalog consumers, on the in-memory bus). Every request the APIs send is in
/// <see cref="ApiRequests"/>.
/// </summary>
public sealed class BenchSystem : IAsyncDisposable
{
    private readonly List<WebApplication> _apps = [];
    private IHost? _worker;
    private StreamActivity? _stream;

    private BenchSystem(DynamoDbOptions tables, DynamoDbOptions mirror, AmazonDynamoDBClient raw)
    {
        Tables = tables;
        Mirror = mirror;
        Raw = raw;
    }

    public DynamoDbOptions Tables { get; }

    public DynamoDbOptions Mirror { get; }

    /// <summary>A client of our own, made the way every client is made: the raw side, and the benchmark's seeding.</summary>
    public AmazonDynamoDBClient Raw { get; }

    public RequestLog ApiRequests { get; private set; } = null!;

    public ApiClient Catalog { get; private set; } = null!;

    public ApiClient Clients { get; private set; } = null!;

    public ApiClient Orders { get; private set; } = null!;

    /// <summary>The table requests of the worker host (relay and consumers), and the writes it sent, once started.</summary>
    public RequestLog? WorkerRequests { get; private set; }

    /// <summary>A table of its own on DynamoDB Local, with its lease table beside it.</summary>
    public static DynamoDbOptions TablesOn(Uri serviceUrl, string table)
    {
        ArgumentNullException.ThrowIfNull(serviceUrl);
        return new()
        {
            ServiceUrl = serviceUrl.ToString(),
            TableName = table,
            LeaseTableName = $"{table}-leases",
            AccessKey = "local",
            SecretKey = "local",
        };
    }

    public static async Task<BenchSystem> StartAsync(Uri serviceUrl, string name, CancellationToken cancellationToken)
    {
        var tables = TablesOn(serviceUrl, name);
        var mirror = TablesOn(serviceUrl, $"{name}-raw");
        var raw = DynamoDbServiceCollectionExtensions.CreateClient(tables);
        await new TableBootstrap(raw, Microsoft.Extensions.Options.Options.Create(tables)).EnsureTablesAsync(cancellationToken);
        await new TableBootstrap(raw, Microsoft.Extensions.Options.Options.Create(mirror)).EnsureTablesAsync(cancellationToken);
        var system = new BenchSystem(tables, mirror, raw);
        var catalog = await system.StartApiAsync<CatalogService>(cancellationToken);
        system.ApiRequests = RequestLog.Attach(catalog.Services.GetRequiredService<IAmazonDynamoDB>());
        // One log for the three APIs: each has its own client, and each is attached to the same log below.
        var clients = await system.StartApiAsync<ClientsService>(cancellationToken);
        var orders = await system.StartApiAsync<OrdersService>(cancellationToken);
        system.ApiRequests.AttachTo(clients.Services.GetRequiredService<IAmazonDynamoDB>());
        system.ApiRequests.AttachTo(orders.Services.GetRequiredService<IAmazonDynamoDB>());
        var staff = DevelopmentTokens.Staff(SigningKey);
        system.Catalog = new ApiClient(Address(catalog), staff);
        system.Clients = new ApiClient(Address(clients), staff);
        system.Orders = new ApiClient(Address(orders), staff);
        return system;
    }

    /// <summary>
    /// The relay and the Catalog consumers on the in-memory bus, polling the stream the way the tests' workers do;
    /// with <paramref name="orders"/> the Orders consumers as well.
    /// </summary>
    public async Task StartWorkerAsync(CancellationToken cancellationToken, bool orders = false)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(Settings(Tables)).AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Messaging:Transport"] = nameof(MessageTransport.InMemory),
            // A consumer's retries (the book count's "did not settle") are part of what is measured, not news.
            ["Logging:LogLevel:Default"] = "Error",
        });
        builder.Services.AddDynamoDb();
        builder.Services.AddMessaging(builder.Configuration, bus =>
        {
            bus.AddCatalogProjections();
            if (orders)
            {
                bus.AddOrderProjections();
            }
        });
        builder.Services.AddEventRelay();
        _worker = builder.Build();
        var table = Tables.TableName;
        WorkerRequests = RequestLog.Attach(_worker.Services.GetRequiredService<IAmazonDynamoDB>(), request => Touches(request, table));
        WorkerRequests.Recording = false;
        _stream = new StreamActivity();
        await _worker.StartAsync(cancellationToken);
    }

    /// <summary>
    /// Until for a second the worker has sent no table request and the relay has taken in no stream record (it has
    /// caught up), at most <paramref name="timeout"/>. A relay still reading the records of the last run shares the
    /// server's one SQLite thread with the next: in the fan-out's second round the system ran at 0.54 of the raw loop
    /// at the same concurrency behind the 100,000 records of the first round's raw passes, and the raw passes after it
    /// ran faster with every pass.
    /// </summary>
    public async Task WorkersQuietAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (WorkerRequests is null || _stream is null)
        {
            throw new InvalidOperationException("The workers are not running.");
        }

        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        var last = (WorkerRequests.Count, _stream.Records);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(1000, cancellationToken);
            var now = (WorkerRequests.Count, _stream.Records);
            if (now == last)
            {
                return;
            }

            last = now;
        }
    }

    /// <summary>
    /// What the three APIs consume, and what the running worker host consumes, each in a log of its own (counted
    /// while <see cref="CapacityLog.Asking"/>).
    /// </summary>
    public (CapacityLog Apis, CapacityLog Workers) AttachCapacity()
    {
        var apis = new CapacityLog();
        foreach (var app in _apps)
        {
            apis.AttachTo(app.Services.GetRequiredService<IAmazonDynamoDB>());
        }

        var workers = new CapacityLog().AttachTo(WorkerService<IAmazonDynamoDB>());
        return (apis, workers);
    }

    /// <summary>A service of the running worker host.</summary>
    public T WorkerService<T>()
        where T : notnull =>
        (_worker ?? throw new InvalidOperationException("The workers are not running.")).Services.GetRequiredService<T>();

    public async Task StopWorkerAsync(CancellationToken cancellationToken)
    {
        if (_worker is not null)
        {
            await _worker.StopAsync(cancellationToken);
            _worker.Dispose();
            _worker = null;
            _stream?.Dispose();
            _stream = null;
        }
    }

    /// <summary>The mirror made equal to the table: every item of the table put in it (after seeding the workers took part in).</summary>
    public async Task CopyToMirrorAsync(CancellationToken cancellationToken)
    {
        List<Dictionary<string, AttributeValue>> items = [];
        await foreach (var item in Raw.ScanAllAsync(new ScanRequest { TableName = Tables.TableName, ConsistentRead = true }, cancellationToken))
        {
            items.Add(item);
        }

        await Seeding.PutAllAsync(Raw, Mirror.TableName, items, cancellationToken);
    }

    /// <summary>Sends what the APIs sent since the last take to the mirror, untimed: keeps the mirror in the table's state.</summary>
    public Task SyncMirrorAsync(CancellationToken cancellationToken) =>
        RequestLog.ReplayAsync(Raw, ApiRequests.Take(), Tables.TableName, Mirror.TableName, cancellationToken);

    private async Task<WebApplication> StartApiAsync<TService>(CancellationToken cancellationToken)
        where TService : IServiceModule
    {
        string[] args =
        [
            .. Settings(Tables).Select(p => $"--{p.Key}={p.Value}"),
            "--Urls=http://127.0.0.1:0",
        ];
        var app = ServiceApp.Build<TService>(args);
        await app.StartAsync(cancellationToken);
        _apps.Add(app);
        return app;
    }

    /// <summary>The run's development signing key: the APIs check the benchmark's tokens as they check any.</summary>
    private static readonly string SigningKey = DevelopmentTokens.NewSigningKey();

    private static Dictionary<string, string?> Settings(DynamoDbOptions tables)
    {
        var settings = tables.ToSettings();
        settings["Logging:LogLevel:Default"] = "Warning";
        settings["Auth:SigningKey"] = SigningKey;
        // One caller drives the whole load on purpose: no rate limit in its way.
        settings["Limits:RequestsPerSecond"] = "1000000";
        settings["Limits:RequestBurst"] = "1000000";
        return settings;
    }

    private static Uri Address(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    private static bool Touches(Amazon.Runtime.AmazonWebServiceRequest request, string table) => request switch
    {
        GetItemRequest r => r.TableName == table,
        QueryRequest r => r.TableName == table,
        PutItemRequest r => r.TableName == table,
        UpdateItemRequest r => r.TableName == table,
        DeleteItemRequest r => r.TableName == table,
        TransactWriteItemsRequest r => r.TransactItems.Any(i => (i.Put?.TableName ?? i.Update?.TableName ?? i.Delete?.TableName ?? i.ConditionCheck?.TableName) == table),
        BatchWriteItemRequest r => r.RequestItems.ContainsKey(table),
        BatchGetItemRequest r => r.RequestItems.ContainsKey(table),
        _ => false,
    };

    public async ValueTask DisposeAsync()
    {
        await StopWorkerAsync(CancellationToken.None);
        foreach (var app in _apps)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        Catalog?.Dispose();
        Clients?.Dispose();
        Orders?.Dispose();

        await DeleteTablesAsync(Raw, Tables, Mirror);
        Raw.Dispose();
    }

    /// <summary>
    /// Deletes a benchmark's tables and their lease tables when it is done (those that exist): DynamoDB Local keeps
    /// every item and stream record in its one JVM's memory.
    /// </summary>
    public static async Task DeleteTablesAsync(IAmazonDynamoDB client, params DynamoDbOptions[] tables)
    {
        ArgumentNullException.ThrowIfNull(client);
        foreach (var table in tables.SelectMany(t => new[] { t.TableName, t.LeaseTableName }))
        {
            try
            {
                await client.DeleteTableAsync(table, CancellationToken.None);
            }
            catch (ResourceNotFoundException)
            {
            }
        }
    }
}
