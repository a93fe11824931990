using System.Diagnostics;

namespace Microservices.Tests.Streams;

/// <summary>
/// Several shards, splits, trimmed data and expired iterators, which DynamoDB Local cannot produce, come from a
/// SCRIPTED Streams endpoint; leases, checkpoints and dead letters are in DynamoDB Local's lease table as always.
/// </summary>
public sealed class ShardLeaseTests(DynamoDbLocalFixture dynamo)
{
    private const string Consumer = "sharded";

    private static CancellationToken Cancelled => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Two_instances_split_the_shards_and_one_takes_over_all_of_them_when_the_other_dies()
    {
        var tables = await dynamo.CreateTablesAsync("split-work");
        var stream = new ScriptedStreamsEndpoint(tables.TableName);
        var shards = new[] { "shard-1", "shard-2", "shard-3", "shard-4" };
        foreach (var shard in shards)
        {
            stream.AddShard(shard);
            stream.Append(shard, $"{shard}/before");
        }

        var first = new RecordingHandler();
        var second = new RecordingHandler();
        var partition = new NetworkPartition();
        await using var a = await ConsumerHost.StartAsync(tables, first, Consumer, streams: stream, partition: partition);
        await using var b = await ConsumerHost.StartAsync(tables, second, Consumer, streams: stream);

        var split = await Eventually.Until(
            () => OwnersAsync(tables),
            owners => owners.Count == 4 && owners.Values.Distinct().Count() == 2 && owners.Values.GroupBy(o => o).All(g => g.Count() == 2),
            what: "the four shards split two and two");
        await Eventually.Until(
            () => Task.FromResult(first.Handled.Concat(second.Handled).Distinct().Count()), n => n == 4, what: "the first four records");

        var survivor = b.Consumer.InstanceId;
        var killedAt = Stopwatch.GetTimestamp();
        partition.Cut();
        // Read after the cut: the count that follows can only come out lower than the rounds really run, never higher.
        var roundsAtCut = (await Leases.SnapshotAsync(tables, Consumer)).RoundsOf(i => i == survivor);
        foreach (var shard in shards)
        {
            stream.Append(shard, $"{shard}/after");
        }

        var taken = await Eventually.Until(
            () => Leases.SnapshotAsync(tables, Consumer),
            snapshot => snapshot.Leases.Count(l => l.Owner == survivor) == 4,
            timeout: TimeSpan.FromSeconds(30),
            what: "the survivor to own every shard");
        var takeover = Stopwatch.GetElapsedTime(killedAt);
        await Eventually.Until(
            // At least once: a record may come twice when a lease moves, so count distinct records.
            () => Task.FromResult(second.Handled.Where(pk => pk.EndsWith("/after", StringComparison.Ordinal)).Distinct().Count()),
            n => n == 4,
            what: "every record written after the failure to be handled by the survivor");

        var rounds = taken.RoundsOf(i => i == survivor) - roundsAtCut;
        TestContext.Current.TestOutputHelper?.WriteLine($"Takeover after the failure: {rounds} lease rounds, {takeover.TotalMilliseconds:F0} ms");
        var options = b.Consumer.Options;
        var bound = Leases.TakeoverRounds(options);
        Assert.True(rounds <= bound, $"Takeover took {rounds} of the survivor's lease rounds ({takeover}), the bound is {bound} (failover time {options.FailoverTime}).");
        Assert.Equal(split.Keys.Order(), shards);
    }

    [Fact]
    public async Task A_parent_shard_is_read_to_its_end_before_its_children()
    {
        var tables = await dynamo.CreateTablesAsync("parents");
        var stream = new ScriptedStreamsEndpoint(tables.TableName);
        stream.AddShard("parent");
        for (var i = 0; i < 5; i++)
        {
            stream.Append("parent", $"parent/{i}");
        }

        var (left, right) = stream.Split("parent");
        stream.Append(left, "left/0");
        stream.Append(right, "right/0");
        var handler = new RecordingHandler();

        await using var host = await ConsumerHost.StartAsync(tables, handler, Consumer, o => o.BatchSize = 2, streams: stream);

        await Eventually.Until(() => Task.FromResult(handler.Handled.Count), n => n == 7, what: "all seven records");
        var handled = handler.Handled.ToList();
        var lastParent = handled.FindLastIndex(pk => pk.StartsWith("parent/", StringComparison.Ordinal));
        var firstChild = handled.FindIndex(pk => !pk.StartsWith("parent/", StringComparison.Ordinal));
        Assert.True(lastParent < firstChild, string.Join(", ", handled));
        Assert.Equal(["parent/0", "parent/1", "parent/2", "parent/3", "parent/4"], handled.Take(5));
        var parent = (await LeasesAsync(tables)).Single(l => l.ShardId == "parent");
        Assert.True(parent.Finished);
        Assert.Null(parent.Owner);
    }

    [Fact]
    public async Task Shards_that_appear_while_running_are_found_and_read_after_their_closed_parent()
    {
        var tables = await dynamo.CreateTablesAsync("new-shards");
        var stream = new ScriptedStreamsEndpoint(tables.TableName);
        stream.AddShard("parent");
        stream.Append("parent", "parent/0");
        var handler = new RecordingHandler();
        await using var host = await ConsumerHost.StartAsync(tables, handler, Consumer, streams: stream);
        await Eventually.Until(() => Task.FromResult(handler.Handled.Count), n => n == 1, what: "the parent's first record");

        stream.Append("parent", "parent/1");
        var (left, right) = stream.Split("parent");
        stream.Append(left, "left/0");
        stream.Append(right, "right/0");
        stream.Append(left, "left/1");

        await Eventually.Until(() => Task.FromResult(handler.Handled.Count), n => n == 5, what: "the records of the new shards");
        var handled = handler.Handled.ToList();
        Assert.Equal(["parent/0", "parent/1"], handled.Take(2));
        Assert.True(handled.IndexOf("left/0") < handled.IndexOf("left/1"));
        var leases = await LeasesAsync(tables);
        Assert.True(leases.Single(l => l.ShardId == "parent").Finished);
        Assert.All(leases.Where(l => l.ShardId != "parent"), l => Assert.Equal(host.Consumer.InstanceId, l.Owner));
    }

    [Fact]
    public async Task Expired_iterators_are_renewed_without_losing_or_repeating_a_record()
    {
        var tables = await dynamo.CreateTablesAsync("expired");
        var stream = new ScriptedStreamsEndpoint(tables.TableName);
        stream.AddShard("only");
        for (var i = 0; i < 10; i++)
        {
            stream.Append("only", $"item/{i}");
        }

        var handler = new RecordingHandler();
        await using var host = await ConsumerHost.StartAsync(tables, handler, Consumer, o => o.BatchSize = 3, streams: stream);
        await Eventually.Until(() => Task.FromResult(handler.Handled.Count), n => n == 10, what: "the first ten records");

        stream.ExpireNextIterators(3);
        for (var i = 10; i < 20; i++)
        {
            stream.Append("only", $"item/{i}");
        }

        await Eventually.Until(() => Task.FromResult(handler.Handled.Count), n => n >= 20, what: "all twenty records");
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"item/{i}"), handler.Handled);
        Assert.Equal(20, handler.Delivered.Count);
    }

    [Fact]
    public async Task After_its_unread_records_were_trimmed_a_shard_goes_on_from_the_oldest_record_left()
    {
        var tables = await dynamo.CreateTablesAsync("trimmed");
        using var metrics = new ConsumerMetrics(Consumer);
        var stream = new ScriptedStreamsEndpoint(tables.TableName);
        stream.AddShard("only");
        stream.Append("only", "item/0");
        var handler = new RecordingHandler();
        await using (var host = await ConsumerHost.StartAsync(tables, handler, Consumer, streams: stream))
        {
            await Eventually.Until(() => Task.FromResult(handler.Handled.Count), n => n == 1, what: "the first record");
            await host.StopAsync();
        }

        Assert.Equal(0, metrics.Get("streams.trimmed"));
        for (var i = 1; i < 6; i++)
        {
            stream.Append("only", $"item/{i}");
        }

        // The consumer was away longer than the stream keeps records: items 0 to 2 are gone, and with them its position.
        stream.Trim("only", 3);
        var later = new RecordingHandler();
        await using var again = await ConsumerHost.StartAsync(tables, later, Consumer, streams: stream);

        await Eventually.Until(() => Task.FromResult(later.Handled.Count), n => n == 3, what: "the records still in the stream");
        Assert.Equal(["item/3", "item/4", "item/5"], later.Handled);
        Assert.True(metrics.Get("streams.trimmed") >= 1, "the lost records were not counted in streams.trimmed");
    }

    [Fact]
    public async Task A_new_reader_whose_oldest_record_moves_before_its_first_read_starts_at_the_new_oldest_without_counting_a_loss()
    {
        var tables = await dynamo.CreateTablesAsync("trimmedfirst");
        using var metrics = new ConsumerMetrics(Consumer);
        var stream = new ScriptedStreamsEndpoint(tables.TableName);
        stream.AddShard("only");
        for (var i = 0; i < 5; i++)
        {
            stream.Append("only", $"item/{i}");
        }

        stream.TrimOnFirstRead("only", 2);
        var handler = new RecordingHandler();
        await using var host = await ConsumerHost.StartAsync(tables, handler, Consumer, streams: stream);

        await Eventually.Until(() => Task.FromResult(handler.Handled.Count), n => n == 3, what: "the records left in the stream");
        Assert.Equal(["item/2", "item/3", "item/4"], handler.Handled);
        Assert.Equal(0, metrics.Get("streams.trimmed"));
    }

    [Fact]
    public async Task A_batching_window_gathers_records_that_arrive_apart_into_one_batch()
    {
        var tables = await dynamo.CreateTablesAsync("window");
        var stream = new ScriptedStreamsEndpoint(tables.TableName);
        stream.AddShard("only");
        var handler = new RecordingHandler();
        await using var host = await ConsumerHost.StartAsync(tables, handler, Consumer, o =>
        {
            o.BatchSize = 10;
            o.BatchingWindow = TimeSpan.FromSeconds(3);
        }, streams: stream);

        stream.Append("only", "item/0");
        var calls = stream.GetRecordsCalls;
        await Eventually.Until(() => Task.FromResult(stream.GetRecordsCalls), n => n >= calls + 3, what: "the first record to be read");
        stream.Append("only", "item/1");
        stream.Append("only", "item/2");

        await Eventually.Until(() => Task.FromResult(handler.Handled.Count), n => n == 3, what: "the three records");
        Assert.Equal([3], handler.BatchSizes);
    }

    private static async Task<Owners> OwnersAsync(DynamoDbOptions tables) =>
        new((await LeasesAsync(tables)).Where(l => l.Owner is not null).ToDictionary(l => l.ShardId, l => l.Owner!));

    /// <summary>Shard to owner, printed in full when a wait times out.</summary>
    private sealed class Owners(Dictionary<string, string> owners) : Dictionary<string, string>(owners)
    {
        public override string ToString() => string.Join(", ", this.Select(o => $"{o.Key}={o.Value}"));
    }

    private static Task<IReadOnlyList<ShardLease>> LeasesAsync(DynamoDbOptions tables) => Leases.OfAsync(tables, Consumer);
}
