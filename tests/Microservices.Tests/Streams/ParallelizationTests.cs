using System.Collections.Concurrent;
using System.Globalization;
using Amazon.DynamoDBv2;
using Microservices.Streams.Lambda;

namespace Microservices.Tests.Streams;

/// <summary>
/// ParallelizationFactor on DynamoDB Local's real stream: batches of different keys in the handler at once, one key's
/// records never at once and always in order, and a checkpoint that waits for the earliest unfinished record.
/// </summary>
public sealed class ParallelizationTests(DynamoDbLocalFixture dynamo)
{
    private const string Consumer = "parallel-consumer";

    private static CancellationToken Cancelled => TestContext.Current.CancellationToken;

    [Fact]
    public async Task With_a_factor_of_four_two_keys_are_handled_at_once_while_each_keys_records_come_one_batch_at_a_time_in_order()
    {
        var tables = await dynamo.CreateTablesAsync("parallel");
        var keys = KeysInDifferentLanes(4, 2);
        var handler = new OverlapHandler(keys);
        await using var host = await ConsumerHost.StartAsync(tables, handler, Consumer, o => (o.ParallelizationFactor, o.BatchSize) = (4, 2));

        // Each key's item is written ten times, the two keys interleaved, so the shard alternates between them.
        using var client = DynamoDbLocalFixture.CreateClient(tables);
        for (var version = 1; version <= 10; version++)
        {
            foreach (var key in keys)
            {
                await PutAsync(client, tables, key, version);
            }
        }

        await Eventually.Until(() => Task.FromResult(handler.Seen.Count), n => n == 20, what: "twenty records handled");
        Assert.True(handler.MostAtOnce >= 2, "no two batches were ever in the handler at once");
        Assert.Equal(1, handler.MostOfOneKeyAtOnce);
        Assert.All(keys, key => Assert.Equal(Enumerable.Range(1, 10), handler.VersionsOf(key)));
    }

    [Fact]
    public async Task When_a_later_key_finishes_first_the_checkpoint_never_passes_the_earlier_record_and_a_new_instance_delivers_it_again()
    {
        var tables = await dynamo.CreateTablesAsync("parallel-crash");
        var keys = KeysInDifferentLanes(2, 2);
        var (slow, fast) = (keys[0], keys[1]);
        var hanging = new HangOnKeyHandler(slow);
        StreamConsumerOptions? options = null;
        using var client = DynamoDbLocalFixture.CreateClient(tables);
        await PutAsync(client, tables, slow, 1);
        await PutAsync(client, tables, fast, 1);
        await PutAsync(client, tables, fast, 2);
        var records = await StreamRecords.ReadAllAsync(tables);
        var first = records[0].Dynamodb.SequenceNumber;

        await using (var host = await ConsumerHost.StartAsync(tables, hanging, Consumer, o =>
        {
            (o.ParallelizationFactor, o.BatchSize, o.ShutdownGrace) = (2, 10, TimeSpan.FromMilliseconds(200));
            options = o;
        }))
        {
            await Eventually.Until(() => Task.FromResult(hanging.Handled), h => h.Count == 2, what: "the later key's two records");

            // Once the fast lane has taken a record written after them, the reader has ended their batch and would have checkpointed.
            await PutAsync(client, tables, fast, 3);
            await Eventually.Until(() => Task.FromResult(hanging.Handled), h => h.Count == 3, what: "the later key's third record");
            Assert.True(hanging.Hanging, "the earlier key's record is not in the handler, so this test proves nothing");
            var lease = Assert.Single(await Leases.OfAsync(tables, Consumer));
            Assert.True(lease.Checkpoint is null || SequenceNumbers.Compare(lease.Checkpoint, first) < 0, $"the checkpoint {lease.Checkpoint} passed the unhandled record {first}");
        }

        // The instance is gone with the record unhandled; the next one starts from the checkpoint and gets it.
        var next = new RecordingHandler();
        await using var again = await ConsumerHost.StartAsync(tables, next, Consumer, o => o.ParallelizationFactor = 2);
        await Eventually.Until(() => Task.FromResult(next.Handled), h => h.Contains(slow), what: "the earlier key's record delivered again");
        var checkpoint = await Eventually.Until(
            async () => Assert.Single(await Leases.OfAsync(tables, Consumer)).Checkpoint, c => c is not null && SequenceNumbers.Compare(c, first) >= 0, what: "the checkpoint past it");
        Assert.NotNull(checkpoint);
    }

    [Fact]
    public async Task A_poison_record_of_one_key_is_dead_lettered_while_the_other_keys_flow_and_the_checkpoint_then_passes_everything()
    {
        var tables = await dynamo.CreateTablesAsync("parallel-poison");
        var keys = KeysInDifferentLanes(3, 3);
        var handler = new RecordingHandler { Poison = { keys[0] } };
        using var client = DynamoDbLocalFixture.CreateClient(tables);
        foreach (var key in keys)
        {
            await PutAsync(client, tables, key, 1);
        }

        await using var host = await ConsumerHost.StartAsync(tables, handler, Consumer, o => (o.ParallelizationFactor, o.MaxRetryAttempts) = (3, 2));

        await Eventually.Until(() => Task.FromResult(handler.Handled), h => h.Count == 2, what: "the two good keys");
        var deadLetter = await Eventually.Until(
            async () => await host.Consumer.DeadLetters.ListAsync(Consumer, Cancelled).ToListAsync(Cancelled), l => l.Count == 1, what: "the dead letter");
        Assert.Equal(keys[0], deadLetter[0].Record.Dynamodb.Keys![Attributes.PK].S);
        Assert.Equal(3, handler.DeliveriesOf(keys[0]));
        var last = (await StreamRecords.ReadAllAsync(tables))[^1].Dynamodb.SequenceNumber;
        await Eventually.Until(async () => Assert.Single(await Leases.OfAsync(tables, Consumer)).Checkpoint, c => c == last, what: "the checkpoint at the last record");
    }

    /// <summary>Partition keys that a factor deals to different lanes, as the consumer's default ordering key (PK and SK "ITEM") does.</summary>
    private static List<string> KeysInDifferentLanes(int factor, int count)
    {
        var options = new StreamConsumerOptions { ParallelizationFactor = factor };
        var keys = new List<string>();
        var lanes = new HashSet<int>();
        for (var i = 0; keys.Count < count; i++)
        {
            var record = new DynamoDbStreamRecord
            {
                EventId = "",
                EventName = StreamEventName.Insert,
                Dynamodb = new StreamRecord { SequenceNumber = "0", Keys = new() { [Attributes.PK] = new($"key-{i}"), [Attributes.SK] = new("ITEM") } },
            };
            if (lanes.Add(ShardProgress.LaneOf(options, record)))
            {
                keys.Add($"key-{i}");
            }
        }

        return keys;
    }

    private static async Task PutAsync(AmazonDynamoDBClient client, DynamoDbOptions tables, string key, int version) =>
        await client.PutItemAsync(tables.TableName, new Dictionary<string, AttributeValue>
        {
            [Attributes.PK] = new(key),
            [Attributes.SK] = new("ITEM"),
            [Attributes.ItemType] = new("Thing"),
            ["Version"] = new() { N = version.ToString(CultureInfo.InvariantCulture) },
        }, Cancelled);

    private static int VersionOf(DynamoDbStreamRecord record) => int.Parse(record.Dynamodb.NewImage!["Version"].N, CultureInfo.InvariantCulture);

    /// <summary>
    /// Counts the batches in it at once, overall and per key. The first batch of each key waits (up to a deadline) for
    /// a batch of another key to be in the handler too, so two lanes that can run together are seen to.
    /// </summary>
    private sealed class OverlapHandler(IReadOnlyList<string> keys) : IDynamoDbStreamHandler
    {
        private readonly ConcurrentDictionary<string, int> _inFlight = new(StringComparer.Ordinal);
        private readonly ConcurrentQueue<(string Key, int Version)> _seen = new();
        private readonly TaskCompletionSource _bothIn = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _atOnce;
        private int _mostAtOnce;
        private int _mostOfOneKey;

        public IReadOnlyList<(string Key, int Version)> Seen => [.. _seen];

        public int MostAtOnce => Volatile.Read(ref _mostAtOnce);

        public int MostOfOneKeyAtOnce => Volatile.Read(ref _mostOfOneKey);

        public IEnumerable<int> VersionsOf(string key) => Seen.Where(s => s.Key == key).Select(s => s.Version);

        public async Task<StreamsEventResponse> HandleAsync(DynamoDbEvent streamEvent, CancellationToken cancellationToken)
        {
            var batchKeys = streamEvent.Records.Select(RecordingHandler.Pk).Distinct().ToList();
            var atOnce = Interlocked.Increment(ref _atOnce);
            Max(ref _mostAtOnce, atOnce);
            foreach (var key in batchKeys)
            {
                Max(ref _mostOfOneKey, _inFlight.AddOrUpdate(key, 1, (_, n) => n + 1));
            }

            if (_inFlight.Count(k => k.Value > 0 && keys.Contains(k.Key)) >= 2)
            {
                _bothIn.TrySetResult();
            }

            try
            {
                await Task.WhenAny(_bothIn.Task, Task.Delay(TimeSpan.FromSeconds(5), cancellationToken));
                foreach (var record in streamEvent.Records)
                {
                    _seen.Enqueue((RecordingHandler.Pk(record), VersionOf(record)));
                }

                return StreamsEventResponse.Success;
            }
            finally
            {
                foreach (var key in batchKeys)
                {
                    _inFlight.AddOrUpdate(key, 0, (_, n) => n - 1);
                }

                Interlocked.Decrement(ref _atOnce);
            }
        }

        private static void Max(ref int field, int value)
        {
            int seen;
            while ((seen = Volatile.Read(ref field)) < value && Interlocked.CompareExchange(ref field, value, seen) != seen)
            {
            }
        }
    }

    /// <summary>Hangs on every record of one key until cancelled and takes the others.</summary>
    private sealed class HangOnKeyHandler(string hangOn) : IDynamoDbStreamHandler
    {
        private readonly ConcurrentQueue<string> _handled = new();
        private int _hanging;

        public IReadOnlyList<string> Handled => [.. _handled];

        public bool Hanging => Volatile.Read(ref _hanging) > 0;

        public async Task<StreamsEventResponse> HandleAsync(DynamoDbEvent streamEvent, CancellationToken cancellationToken)
        {
            if (streamEvent.Records.Any(r => RecordingHandler.Pk(r) == hangOn))
            {
                Interlocked.Increment(ref _hanging);
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }
                finally
                {
                    Interlocked.Decrement(ref _hanging);
                }
            }

            foreach (var record in streamEvent.Records)
            {
                _handled.Enqueue($"{RecordingHandler.Pk(record)}-{VersionOf(record)}");
            }

            return StreamsEventResponse.Success;
        }
    }
}
