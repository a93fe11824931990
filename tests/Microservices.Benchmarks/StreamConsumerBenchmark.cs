using System.Diagnostics;
using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microservices.Benchmarks.Harness;
using Microservices.Benchmarks.Suite;
using Microservices.EventSourcing;
using Microservices.Messaging;
using Microservices.Schema;
using Microservices.SingleTable;
using Microservices.Streams;
using Microservices.Streams.Lambda;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microservices.Tests.Infrastructure;

namespace Microservices.Benchmarks;

/// <summary>
/// Drives the stream consumer against DynamoDB Local: a backlog drained as fast as it goes (records per second),
/// then single writes at rest and a write load (lag from the write's commit to the handler seeing it).
/// </summary>
internal static class StreamConsumerBenchmark
{
    private const string WrittenAt = "WrittenAt";

    public static async Task<int> RunAsync(int records, TimeSpan load, CancellationToken cancellationToken)
    {
        await using var local = await DynamoDbLocal.StartAsync(cancellationToken: cancellationToken);
        var tables = BenchSystem.TablesOn(local.ServiceUrl, "bench");
        using var dynamo = DynamoDbServiceCollectionExtensions.CreateClient(tables);
        await new TableBootstrap(dynamo, Options.Create(tables)).EnsureTablesAsync(cancellationToken);

        Console.WriteLine("Warming DynamoDB Local up (3,000 batch-written items and a consumer that reads them)...");
        await BatchWriteAsync(dynamo, tables, "warm", 3000, cancellationToken);
        await DrainAsync(tables, "warm-up", 3000, 1000, cancellationToken);

        await BatchWriteAsync(dynamo, tables, "backlog", records, cancellationToken);
        foreach (var batchSize in new[] { 100, 1000 })
        {
            var elapsed = await DrainAsync(tables, $"throughput-{batchSize}", 3000 + records, batchSize, cancellationToken);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Throughput, batch size {batchSize,4}: {3000 + records} records in {elapsed.TotalSeconds:F2} s = {(3000 + records) / elapsed.TotalSeconds:F0} records/s"));
        }

        var handler = new LagHandler();
        using var host = await StartAsync(tables, "lag", handler, batchSize: 100, cancellationToken);
        await WaitAsync(() => handler.Seen >= 3000 + records, cancellationToken);

        handler.Reset();
        for (var i = 0; i < 100; i++)
        {
            await PutAsync(dynamo, tables, $"rest-{i}", cancellationToken);
            await Task.Delay(100, cancellationToken);
        }

        await WaitAsync(() => handler.Seen >= 100, cancellationToken);
        Report("Lag at rest (1 write / 100 ms)", handler, 100, TimeSpan.FromSeconds(10));

        handler.Reset();
        var written = 0;
        var stopwatch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, 4), cancellationToken, async (writer, ct) =>
        {
            for (var i = 0; stopwatch.Elapsed < load; i++)
            {
                await PutAsync(dynamo, tables, $"load-{writer}-{i}", ct);
                Interlocked.Increment(ref written);
            }
        });
        var writing = stopwatch.Elapsed;
        await WaitAsync(() => handler.Seen >= written, cancellationToken);
        Report("Lag under load (4 writers)", handler, written, writing);

        await host.StopAsync(cancellationToken);
        return 0;
    }

    private static void Report(string name, LagHandler handler, int count, TimeSpan writing)
    {
        var lags = Summary.Of(handler.Lags);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: {count} writes at {count / writing.TotalSeconds:F0}/s; lag p50 {lags.P50:F0} ms, p99 {lags.P99:F0} ms, max {lags.Max:F0} ms"));
    }

    /// <summary>
    /// Benchmark 7 of the suite: records per second through one shard of DynamoDB Local's stream, then through 4 and
    /// 16 shards of the scripted Streams endpoint (the tests' own, shared as source), leases in DynamoDB Local.
    /// </summary>
    public static async Task SuiteAsync(Uri serviceUrl, int records, SuiteResults results, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(results);
        var tables = BenchSystem.TablesOn(serviceUrl, "consumer");
        using var dynamo = DynamoDbServiceCollectionExtensions.CreateClient(tables);
        await new TableBootstrap(dynamo, Options.Create(tables)).EnsureTablesAsync(cancellationToken);
        await BatchWriteAsync(dynamo, tables, "backlog", records, cancellationToken);
        var elapsed = await DrainAsync(tables, "one-shard", records, 1000, cancellationToken);
        results.Consumer.Add(new ConsumerRow("DynamoDB Local", 1, records, records / elapsed.TotalSeconds));

        foreach (var shards in new[] { 4, 16 })
        {
            var scripted = new ScriptedStreamsEndpoint(tables.TableName);
            for (var shard = 0; shard < shards; shard++)
            {
                scripted.AddShard($"shard-{shard}");
                for (var i = 0; i < records / shards; i++)
                {
                    scripted.Append($"shard-{shard}", $"item-{shard}-{i}");
                }
            }

            var total = records / shards * shards;
            elapsed = await DrainAsync(tables, $"scripted-{shards}", total, 1000, cancellationToken, scripted);
            results.Consumer.Add(new ConsumerRow("scripted endpoint", shards, total, total / elapsed.TotalSeconds));
        }
    }

    private static async Task<TimeSpan> DrainAsync(
        DynamoDbOptions tables, string consumer, int expected, int batchSize, CancellationToken cancellationToken, IDynamoDbStreams? streams = null)
    {
        var handler = new LagHandler();
        var stopwatch = Stopwatch.StartNew();
        using var host = await StartAsync(tables, consumer, handler, batchSize, cancellationToken, streams);
        await WaitAsync(() => handler.Seen >= expected, cancellationToken);
        var elapsed = stopwatch.Elapsed;
        await host.StopAsync(cancellationToken);
        return elapsed;
    }

    private static async Task<IHost> StartAsync(
        DynamoDbOptions tables, string consumer, LagHandler handler, int batchSize, CancellationToken cancellationToken, IDynamoDbStreams? streams = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DynamoDb:ServiceUrl"] = tables.ServiceUrl,
            ["DynamoDb:TableName"] = tables.TableName,
            ["DynamoDb:LeaseTableName"] = tables.LeaseTableName,
            ["DynamoDb:AccessKey"] = "local",
            ["DynamoDb:SecretKey"] = "local",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        builder.Services.AddDynamoDb();
        if (streams is not null)
        {
            builder.Services.AddSingleton(streams);
        }

        builder.Services.AddSingleton(handler);
        builder.Services.AddTableStreamConsumer<LagHandler>(consumer, o => o.BatchSize = batchSize);
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return host;
    }

    private static async Task WaitAsync(Func<bool> done, CancellationToken cancellationToken)
    {
        while (!done())
        {
            await Task.Delay(10, cancellationToken);
        }
    }

    private static Task<PutItemResponse> PutAsync(AmazonDynamoDBClient dynamo, DynamoDbOptions tables, string pk, CancellationToken cancellationToken) =>
        dynamo.PutItemAsync(tables.TableName, Item(pk), cancellationToken);

    private static Task BatchWriteAsync(AmazonDynamoDBClient dynamo, DynamoDbOptions tables, string prefix, int count, CancellationToken cancellationToken) =>
        Seeding.PutAllAsync(dynamo, tables.TableName, Enumerable.Range(0, count).Select(i => Item($"{prefix}-{i}")), cancellationToken);

    private static Dictionary<string, AttributeValue> Item(string pk) => new()
    {
        [Attributes.PK] = new(pk),
        [Attributes.SK] = new("ITEM"),
        [WrittenAt] = new() { N = Stopwatch.GetTimestamp().ToString(CultureInfo.InvariantCulture) },
    };

    /// <summary>Counts records and, for each, the time from its write (the writer's clock is this process's) to now.</summary>
    private sealed class LagHandler : IDynamoDbStreamHandler
    {
        private readonly Lock _gate = new();
        private readonly List<double> _lags = [];
        private int _seen;

        public int Seen => Volatile.Read(ref _seen);

        public IReadOnlyList<double> Lags { get { lock (_gate) { return [.. _lags]; } } }

        public void Reset()
        {
            lock (_gate)
            {
                _lags.Clear();
                _seen = 0;
            }
        }

        public Task<StreamsEventResponse> HandleAsync(DynamoDbEvent streamEvent, CancellationToken cancellationToken)
        {
            var now = Stopwatch.GetTimestamp();
            lock (_gate)
            {
                foreach (var record in streamEvent.Records)
                {
                    if (record.Dynamodb.NewImage?.TryGetValue(WrittenAt, out var at) == true)
                    {
                        _lags.Add(Stopwatch.GetElapsedTime(long.Parse(at.N, CultureInfo.InvariantCulture), now).TotalMilliseconds);
                    }
                }

                _seen += streamEvent.Records.Count;
            }

            return Task.FromResult(StreamsEventResponse.Success);
        }
    }
}
