using System.Diagnostics;
using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microservices.Benchmarks.Harness;
using Microservices.Benchmarks.Suite;
using Microservices.Schema;
using Microservices.SingleTable;
using Microservices.Streams;
using Microsoft.Extensions.Options;

namespace Microservices.Benchmarks;

/// <summary>
/// What a stream read costs DynamoDB Local as its stream records pile up: the latency of GetItem, DescribeStream and
/// GetRecords on one table while it is written full, and on a second, nearly empty table on the same server (does one
/// table's stream slow the others?). DynamoDB Local keeps every record for the life of its JVM.
/// </summary>
internal static class StreamCostBenchmark
{
    private const int Samples = 20;

    public static async Task<int> RunAsync(int[] sizes, CancellationToken cancellationToken)
    {
        await using var local = await DynamoDbLocal.StartAsync(cancellationToken: cancellationToken);
        var full = BenchSystem.TablesOn(local.ServiceUrl, "filled");
        var small = BenchSystem.TablesOn(local.ServiceUrl, "small");
        using var dynamo = DynamoDbServiceCollectionExtensions.CreateClient(full);
        using var http = new HttpClient();
        var streams = new DynamoDbStreamsClient(http, DynamoDbStreamsClientOptions.From(dynamo));
        foreach (var tables in new[] { full, small })
        {
            await new TableBootstrap(dynamo, Options.Create(tables)).EnsureTablesAsync(cancellationToken);
        }

        await Seeding.PutAllAsync(dynamo, small.TableName, Items("small", 0, 100), cancellationToken);
        Console.WriteLine($"Stream records kept by DynamoDB Local, and what a request costs then (p50 of {Samples}, ms); {DateTimeOffset.UtcNow:yyyy-MM-dd}");
        Console.WriteLine("| Records in the filled table's stream | GetItem | DescribeStream | GetRecords | small table: DescribeStream | small table: GetRecords |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|");
        var written = 0;
        foreach (var size in sizes.Order())
        {
            await Seeding.PutAllAsync(dynamo, full.TableName, Items("filled", written, size - written), cancellationToken);
            written = Math.Max(written, size);
            var getItem = await TimeAsync(() => dynamo.GetItemAsync(new GetItemRequest
            {
                TableName = full.TableName,
                Key = new() { [Attributes.PK] = new("filled#0"), [Attributes.SK] = new("ITEM#0") },
                ConsistentRead = true,
            }, cancellationToken));
            var (describe, read) = await StreamReadsAsync(dynamo, streams, full.TableName, cancellationToken);
            var (smallDescribe, smallRead) = await StreamReadsAsync(dynamo, streams, small.TableName, cancellationToken);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {written:N0} | {getItem:F1} | {describe:F1} | {read:F1} | {smallDescribe:F1} | {smallRead:F1} |"));
        }

        return 0;
    }

    private static async Task<(double Describe, double Read)> StreamReadsAsync(
        AmazonDynamoDBClient dynamo, DynamoDbStreamsClient streams, string table, CancellationToken cancellationToken)
    {
        var arn = (await dynamo.DescribeTableAsync(table, cancellationToken)).Table.LatestStreamArn;
        var shard = (await streams.DescribeStreamAsync(arn, cancellationToken: cancellationToken)).Shards[^1].ShardId;
        var describe = await TimeAsync(() => streams.DescribeStreamAsync(arn, cancellationToken: cancellationToken));
        var iterator = await streams.GetShardIteratorAsync(arn, shard, ShardIteratorType.Latest, cancellationToken: cancellationToken);
        var read = await TimeAsync(async () => iterator = (await streams.GetRecordsAsync(iterator, 100, cancellationToken)).NextShardIterator ?? iterator);
        return (describe, read);
    }

    private static async Task<double> TimeAsync(Func<Task> request)
    {
        var times = new List<double>();
        for (var i = 0; i < Samples; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await request();
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        return Percentiles.Of(times, 0.5);
    }

    private static IEnumerable<Dictionary<string, AttributeValue>> Items(string prefix, int from, int count) =>
        Enumerable.Range(from, Math.Max(0, count)).Select(i => new Dictionary<string, AttributeValue>
        {
            [Attributes.PK] = new($"{prefix}#{i % 100}"),
            [Attributes.SK] = new($"ITEM#{i}"),
            ["Payload"] = new(new string('x', 100)),
        });
}
