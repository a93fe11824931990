using System.Collections.Concurrent;
using Amazon.DynamoDBv2.Model;
using Microservices.Shared.Dynamo;
using Microservices.Shared.Lambda;
using Microservices.Shared.Streams;
using Microservices.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Microservices.Tests.Streams;

/// <summary>The stream consumer on DynamoDB Local's real stream: checkpoints, restarts and partial batch failures.</summary>
public sealed class StreamConsumerTests(DynamoDbLocalFixture dynamo)
{
    private const string Consumer = "test-consumer";

    [Fact]
    public async Task A_restarted_consumer_resumes_after_its_checkpoint()
    {
        var tables = await dynamo.CreateTablesAsync("resume");
        await PutItemsAsync(tables, "first", 5);
        var firstRun = new RecordingHandler();
        using (var host = await StartAsync(tables, firstRun))
        {
            await Eventually.Until(() => Task.FromResult(firstRun.Delivered.Count), n => n == 5, what: "five records");
            await WaitForCheckpointAsync(tables, host, firstRun.Delivered[^1]);
            await host.StopAsync(TestContext.Current.CancellationToken);
        }

        await PutItemsAsync(tables, "second", 3);
        var secondRun = new RecordingHandler();
        using (var host = await StartAsync(tables, secondRun))
        {
            await Eventually.Until(() => Task.FromResult(secondRun.Delivered.Count), n => n >= 3, what: "three new records");
            await host.StopAsync(TestContext.Current.CancellationToken);
        }

        Assert.Equal(["second-0", "second-1", "second-2"], secondRun.Delivered.Select(r => r.Dynamodb.Keys!["PK"].S));
    }

    [Fact]
    public async Task A_reported_failure_is_delivered_again_from_that_record_and_nothing_before_it_is()
    {
        var tables = await dynamo.CreateTablesAsync("partial");
        await PutItemsAsync(tables, "item", 6);
        var handler = new RecordingHandler { FailOnceAt = "item-3" };
        using (var host = await StartAsync(tables, handler))
        {
            await Eventually.Until(
                () => Task.FromResult(handler.Delivered.Select(Pk).Distinct().Count()), n => n == 6, what: "all six records handled");
            await host.StopAsync(TestContext.Current.CancellationToken);
        }

        var deliveries = handler.Delivered.Select(Pk).GroupBy(pk => pk).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(new[] { "item-0", "item-1", "item-2" }, pk => Assert.Equal(1, deliveries[pk]));
        Assert.Equal(2, deliveries["item-3"]);
        Assert.Equal(["item-0", "item-1", "item-2", "item-3", "item-4", "item-5"], handler.Handled);
    }

    private static string Pk(DynamoDbStreamRecord record) => record.Dynamodb.Keys!["PK"].S;

    private static async Task<IHost> StartAsync(DynamoDbOptions tables, RecordingHandler handler)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(Settings.Of(tables));
        builder.Services.AddDynamoDb();
        builder.Services.AddSingleton(handler);
        builder.Services.AddStreamConsumer<RecordingHandler>(Consumer, options =>
        {
            options.ShardDiscoveryInterval = TimeSpan.FromMilliseconds(500);
            options.RetryBackoff = TimeSpan.FromMilliseconds(50);
        });
        var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        return host;
    }

    private static async Task PutItemsAsync(DynamoDbOptions tables, string prefix, int count)
    {
        using var client = DynamoDbLocalFixture.CreateClient(tables);
        for (var i = 0; i < count; i++)
        {
            await client.PutItemAsync(tables.TableName, new Dictionary<string, AttributeValue>
            {
                ["PK"] = new($"{prefix}-{i}"),
                ["SK"] = new("ITEM"),
            }, TestContext.Current.CancellationToken);
        }
    }

    private static async Task WaitForCheckpointAsync(DynamoDbOptions tables, IHost host, DynamoDbStreamRecord last)
    {
        var checkpoints = host.Services.GetRequiredService<CheckpointStore>();
        var shardIds = (await StreamRecords.Client(tables).DescribeStreamAsync(last.EventSourceArn!, cancellationToken: TestContext.Current.CancellationToken))
            .Shards.Select(s => s.ShardId).ToList();
        await Eventually.Until(
            async () =>
            {
                foreach (var shardId in shardIds)
                {
                    if ((await checkpoints.GetAsync(Consumer, shardId, TestContext.Current.CancellationToken)).SequenceNumber == last.Dynamodb.SequenceNumber)
                    {
                        return true;
                    }
                }

                return false;
            },
            saved => saved,
            what: "the checkpoint of the last record");
    }

    /// <summary>A handler that records what it is given and can fail one record once, as a flaky dependency would.</summary>
    private sealed class RecordingHandler : IDynamoDbStreamHandler
    {
        private readonly ConcurrentQueue<DynamoDbStreamRecord> _delivered = new();
        private bool _failed;

        public string? FailOnceAt { get; init; }

        public IReadOnlyList<DynamoDbStreamRecord> Delivered => [.. _delivered];

        public List<string> Handled { get; } = [];

        public Task<StreamsEventResponse> HandleAsync(DynamoDbEvent streamEvent, CancellationToken cancellationToken)
        {
            foreach (var record in streamEvent.Records)
            {
                _delivered.Enqueue(record);
                if (!_failed && Pk(record) == FailOnceAt)
                {
                    _failed = true;
                    return Task.FromResult(StreamsEventResponse.FailedFrom(record));
                }

                Handled.Add(Pk(record));
            }

            return Task.FromResult(StreamsEventResponse.Success);
        }
    }
}
