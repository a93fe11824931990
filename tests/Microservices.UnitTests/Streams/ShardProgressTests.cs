using System.Globalization;
using Amazon.DynamoDBv2.Model;
using Microservices.Streams.Lambda;
using Microsoft.Extensions.DependencyInjection;

namespace Microservices.UnitTests.Streams;

/// <summary>
/// The pure model of a shard's progress with a parallelization factor, with no I/O: which lane a record goes to,
/// which batch each lane hands over, and where the checkpoint may move when lanes finish in any order.
/// </summary>
public sealed class ShardProgressTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);

    private static StreamConsumerOptions Options(int factor = 4, int batchSize = 10, int retries = 1) => new()
    {
        ConsumerName = "model",
        BatchSize = batchSize,
        ParallelizationFactor = factor,
        MaxRetryAttempts = retries,
        RetryBackoff = TimeSpan.FromMilliseconds(100),
        MaxRetryBackoff = TimeSpan.FromMilliseconds(400),
    };

    private static DynamoDbStreamRecord Record(int sequence, string pk, string sk = "ITEM")
    {
        var keys = new Dictionary<string, AttributeValue> { ["PK"] = new(pk), ["SK"] = new(sk) };
        return new DynamoDbStreamRecord
        {
            EventId = $"e{sequence}",
            EventName = StreamEventName.Insert,
            Dynamodb = new StreamRecord
            {
                SequenceNumber = sequence.ToString(CultureInfo.InvariantCulture),
                ApproximateCreationDateTime = Now,
                Keys = keys,
                NewImage = new(keys),
            },
        };
    }

    /// <summary>Item keys that the options deal to <paramref name="count"/> different lanes.</summary>
    private static List<string> KeysInDifferentLanes(StreamConsumerOptions options, int count)
    {
        var keys = new List<string>();
        var lanes = new HashSet<int>();
        for (var i = 0; keys.Count < count; i++)
        {
            if (lanes.Add(ShardProgress.LaneOf(options, Record(0, $"key-{i}"))))
            {
                keys.Add($"key-{i}");
            }
        }

        return keys;
    }

    private static int LaneOf(StreamConsumerOptions options, string pk) => ShardProgress.LaneOf(options, Record(0, pk));

    private static List<string> Sequences(BatchPlan plan) => [.. plan.Batch.Select(r => r.Dynamodb.SequenceNumber)];

    [Fact]
    public void Records_of_one_item_key_go_to_one_lane_every_time_and_keys_spread_over_the_lanes()
    {
        var options = Options(factor: 4);
        var lanes = Enumerable.Range(0, 200).Select(i => LaneOf(options, $"key-{i}")).ToList();

        Assert.All(Enumerable.Range(0, 200), i => Assert.Equal(lanes[i], ShardProgress.LaneOf(options, Record(i * 7, $"key-{i}"))));
        Assert.Equal([0, 1, 2, 3], lanes.Distinct().Order());
        Assert.All(Enumerable.Range(0, 200), i => Assert.Equal(0, LaneOf(Options(factor: 1), $"key-{i}")));
    }

    [Fact]
    public void The_sort_key_is_part_of_the_item_key_unless_the_host_orders_by_partition_key()
    {
        var byItem = Options(factor: 10);
        var byPartition = Options(factor: 10);
        byPartition.OrderingKey = r => r.Dynamodb.Keys!["PK"].S;
        var sortKeys = Enumerable.Range(0, 50).Select(i => $"EVENT#{i:D10}").ToList();

        Assert.True(sortKeys.Select(sk => ShardProgress.LaneOf(byItem, Record(1, "STREAM#author#1", sk))).Distinct().Count() > 1);
        Assert.Single(sortKeys.Select(sk => ShardProgress.LaneOf(byPartition, Record(1, "STREAM#author#1", sk))).Distinct());
    }

    [Fact]
    public void Given_two_keys_in_different_lanes_then_both_lanes_hand_over_a_batch_at_once_each_of_its_own_key_in_order()
    {
        var options = Options();
        var (a, b) = KeysInDifferentLanes(options, 2) switch { var k => (k[0], k[1]) };
        var progress = new ShardProgress(options);
        progress.Add([Record(1, a), Record(2, b), Record(3, a), Record(4, b), Record(5, a)]);

        var free = progress.FreeLanes().ToList();
        var plans = free.Select(lane => progress.Take(lane, Now)).ToList();

        Assert.Equal(2, free.Count);
        Assert.Contains(["1", "3", "5"], plans.Select(Sequences));
        Assert.Contains(["2", "4"], plans.Select(Sequences));
        Assert.Empty(progress.FreeLanes());
        Assert.Throws<InvalidOperationException>(() => progress.Take(free[0], Now));
    }

    [Fact]
    public void Given_a_later_lane_finishes_first_then_the_checkpoint_stays_before_the_earlier_record_until_it_is_done()
    {
        var options = Options();
        var keys = KeysInDifferentLanes(options, 2);
        var progress = new ShardProgress(options);
        progress.Add([Record(1, keys[0]), Record(2, keys[1]), Record(3, keys[1])]);
        var slow = LaneOf(options, keys[0]);
        var fast = LaneOf(options, keys[1]);
        var slowPlan = progress.Take(slow, Now);
        var fastPlan = progress.Take(fast, Now);

        progress.Complete(fast, fastPlan.Batch.Count, progress.RetryOf(fast));
        Assert.Null(progress.Advance());
        Assert.Equal(3, progress.Uncheckpointed);

        progress.Complete(slow, slowPlan.Batch.Count, progress.RetryOf(slow));
        Assert.Equal("3", progress.Advance());
        Assert.Equal(0, progress.Uncheckpointed);
        Assert.Null(progress.Advance());
    }

    [Fact]
    public void Given_a_key_fails_then_its_lane_retries_from_that_record_while_other_keys_go_on_and_the_checkpoint_waits_for_it()
    {
        var options = Options();
        var keys = KeysInDifferentLanes(options, 2);
        var (bad, good) = (LaneOf(options, keys[0]), LaneOf(options, keys[1]));
        var progress = new ShardProgress(options);
        progress.Add([Record(1, keys[0]), Record(2, keys[0]), Record(3, keys[1]), Record(4, keys[0])]);

        // The failing key's batch reports its second record; the other lane takes its record.
        var badPlan = progress.Take(bad, Now);
        var decision = BatchOutcome.Decide(options, progress.RetryOf(bad), badPlan, new HandlerResult.Failed("2", "reported", Reported: true));
        progress.Complete(bad, decision.Checkpoint, decision.Next);
        var goodPlan = progress.Take(good, Now);
        progress.Complete(good, goodPlan.Batch.Count, progress.RetryOf(good));

        Assert.Equal("1", progress.Advance());
        Assert.True(progress.RetryOf(bad).Retrying);
        Assert.Equal(["2"], Sequences(progress.Take(bad, Now)));

        // It fails again, is dead-lettered after its one retry, and the checkpoint passes it and the other key's record.
        var retry = BatchOutcome.Decide(options, progress.RetryOf(bad), new BatchPlan([Record(2, keys[0])], 0, [Record(2, keys[0])]), new HandlerResult.Failed("2", "reported", Reported: true));
        Assert.Single(retry.DeadLetters);
        progress.Complete(bad, retry.Checkpoint, retry.Next);
        Assert.Equal("3", progress.Advance());
        Assert.False(progress.RetryOf(bad).Retrying);
        Assert.Equal(["4"], Sequences(progress.Take(bad, Now)));
    }

    [Fact]
    public void Reading_stops_at_a_full_batch_for_every_lane_and_while_every_lane_retries_a_failing_record()
    {
        var options = Options(factor: 2, batchSize: 3);
        var keys = KeysInDifferentLanes(options, 2);
        var progress = new ShardProgress(options);
        Assert.Equal(6, progress.Room);

        progress.Add([Record(1, keys[0]), Record(2, keys[1]), Record(3, keys[0])]);
        Assert.Equal(3, progress.Room);

        foreach (var lane in progress.FreeLanes().ToList())
        {
            var plan = progress.Take(lane, Now);
            var decision = BatchOutcome.Decide(options, progress.RetryOf(lane), plan, new HandlerResult.Failed(plan.Batch[0].Dynamodb.SequenceNumber, "boom", Reported: true));
            progress.Complete(lane, decision.Checkpoint, decision.Next);
        }

        Assert.Equal(0, progress.Room);
        Assert.Null(progress.Advance());
    }

    [Fact]
    public void With_a_factor_of_one_the_shard_is_one_lane_in_stream_order_as_before()
    {
        var options = Options(factor: 1, batchSize: 2);
        var progress = new ShardProgress(options);
        progress.Add([Record(1, "a"), Record(2, "b"), Record(3, "c")]);

        var lane = Assert.Single(progress.FreeLanes());
        var plan = progress.Take(lane, Now);
        Assert.Equal(["1", "2"], Sequences(plan));
        Assert.Empty(progress.FreeLanes());
        progress.Complete(lane, 2, progress.RetryOf(lane));
        Assert.Equal("2", progress.Advance());
        Assert.Equal(["3"], Sequences(progress.Take(lane, Now)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(11)]
    public void A_factor_outside_one_to_ten_is_refused_when_the_consumer_is_built(int factor)
    {
        var services = new ServiceCollection();
        services.AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
        services.AddStreamConsumer<NoHandler>("c", o => (o.TableName, o.LeaseTableName, o.ParallelizationFactor) = ("t", "t-leases", factor));
        using var provider = services.BuildServiceProvider();

        var thrown = Assert.Throws<ArgumentOutOfRangeException>(() => provider.GetRequiredKeyedService<StreamConsumer>("c"));
        Assert.Equal(nameof(StreamConsumerOptions.ParallelizationFactor), thrown.ParamName);
    }

    private sealed class NoHandler : IDynamoDbStreamHandler
    {
        public Task<StreamsEventResponse> HandleAsync(DynamoDbEvent streamEvent, CancellationToken cancellationToken) =>
            Task.FromResult(StreamsEventResponse.Success);
    }
}
