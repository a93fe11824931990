using System.Collections.Concurrent;
using System.Diagnostics;
using Microservices.Streams.Lambda;

namespace Microservices.Tests.Streams;

/// <summary>
/// The stream consumer on DynamoDB Local's real stream: checkpoints and restarts, partial batch failures, item-type
/// filtering, poison records and their dead letters, maximum record age, and leases handed over on shutdown.
/// </summary>
public sealed class StreamConsumerTests(DynamoDbLocalFixture dynamo)
{
    private const string Consumer = "test-consumer";

    private static CancellationToken Cancelled => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_restarted_consumer_resumes_after_its_checkpoint()
    {
        var tables = await dynamo.CreateTablesAsync("resume");
        await PutItemsAsync(tables, "first", 5);
        var firstRun = new RecordingHandler();
        await using (var host = await ConsumerHost.StartAsync(tables, firstRun, Consumer))
        {
            await Eventually.Until(() => Task.FromResult(firstRun.Handled.Count), n => n == 5, what: "five records");
            await host.StopAsync();
        }

        await PutItemsAsync(tables, "second", 3);
        var secondRun = new RecordingHandler();
        await using (var host = await ConsumerHost.StartAsync(tables, secondRun, Consumer))
        {
            await Eventually.Until(() => Task.FromResult(secondRun.Handled.Count), n => n >= 3, what: "three new records");
            await host.StopAsync();
        }

        Assert.Equal(["second-0", "second-1", "second-2"], secondRun.Handled);
    }

    [Fact]
    public async Task A_reported_failure_is_delivered_again_from_that_record_and_nothing_before_it_is()
    {
        var tables = await dynamo.CreateTablesAsync("partial");
        await PutItemsAsync(tables, "item", 6);
        var handler = new RecordingHandler { FailOnceAt = "item-3" };
        await using (var host = await ConsumerHost.StartAsync(tables, handler, Consumer))
        {
            await Eventually.Until(() => Task.FromResult(handler.Handled.Count), n => n == 6, what: "all six records handled");
        }

        Assert.All(new[] { "item-0", "item-1", "item-2" }, pk => Assert.Equal(1, handler.DeliveriesOf(pk)));
        Assert.Equal(2, handler.DeliveriesOf("item-3"));
        Assert.Equal(["item-0", "item-1", "item-2", "item-3", "item-4", "item-5"], handler.Handled);
    }

    [Fact]
    public async Task Only_records_of_the_configured_item_types_reach_the_handler_and_the_rest_are_checkpointed()
    {
        var tables = await dynamo.CreateTablesAsync("filter");
        await PutItemsAsync(tables, "wanted", 2, itemType: "Event");
        await PutItemsAsync(tables, "copy", 3, itemType: "GenreBook");
        await PutItemsAsync(tables, "wanted-late", 1, itemType: "Event");
        var handler = new RecordingHandler();
        await using var host = await ConsumerHost.StartAsync(tables, handler, Consumer, o => o.Filter = RecordFilter.StringAttribute("ItemType", "Event"));

        await Eventually.Until(() => Task.FromResult(handler.Handled.Count), n => n == 3, what: "the three wanted records");
        Assert.Equal(["wanted-0", "wanted-1", "wanted-late-0"], handler.Handled);
        var lease = await Eventually.Until(() => OnlyLeaseAsync(tables), l => l.Checkpoint is not null, what: "a checkpoint");
        var last = (await StreamRecords.ReadAllAsync(tables))[^1];
        Assert.Equal(last.Dynamodb.SequenceNumber, lease.Checkpoint);
    }

    [Fact]
    public async Task A_poison_record_is_dead_lettered_whole_after_its_retries_while_the_records_behind_it_flow_on()
    {
        var tables = await dynamo.CreateTablesAsync("poison");
        await PutItemsAsync(tables, "item", 8);
        var handler = new RecordingHandler { Poison = { "item-2" } };
        await using var host = await ConsumerHost.StartAsync(tables, handler, Consumer, o => o.MaxRetryAttempts = 2);

        await Eventually.Until(() => Task.FromResult(handler.Handled.Count), n => n == 7, what: "the seven good records");
        Assert.Equal(["item-0", "item-1", "item-3", "item-4", "item-5", "item-6", "item-7"], handler.Handled);
        Assert.Equal(3, handler.DeliveriesOf("item-2")); // the first try and two retries

        var deadLetters = host.Consumer.DeadLetters;
        var deadLetter = Assert.Single(await deadLetters.ListAsync(Consumer, Cancelled).ToListAsync(Cancelled));
        var original = (await StreamRecords.ReadAllAsync(tables)).Single(r => RecordingHandler.Pk(r) == "item-2");
        Assert.Equal(DeadLetterReasons.RetriesExhausted, deadLetter.Reason);
        Assert.Equal(3, deadLetter.Attempts);
        Assert.Equal(original.Dynamodb.SequenceNumber, deadLetter.SequenceNumber);
        Assert.Equal(original.EventId, deadLetter.Record.EventId);
        Assert.Equal("item-2", deadLetter.Record.Dynamodb.NewImage![Attributes.PK].S);
        Assert.Equal("Thing", deadLetter.Record.Dynamodb.NewImage[Attributes.ItemType].S);
        Assert.Equal(original.EventSourceArn, deadLetter.Record.EventSourceArn);
    }

    [Fact]
    public async Task Bisecting_a_batch_that_throws_isolates_the_poison_record_and_dead_letters_only_it()
    {
        var tables = await dynamo.CreateTablesAsync("bisect");
        await PutItemsAsync(tables, "item", 10);
        var handler = new RecordingHandler { Poison = { "item-6" }, ThrowOnFailure = true };
        await using var host = await ConsumerHost.StartAsync(tables, handler, Consumer, o =>
        {
            o.BatchSize = 10;
            o.MaxRetryAttempts = 1;
        });

        await Eventually.Until(() => Task.FromResult(handler.Handled.Distinct().Count()), n => n == 9, what: "the nine good records");
        var deadLetters = host.Consumer.DeadLetters;
        var deadLetter = await Eventually.Until(
            async () => await deadLetters.ListAsync(Consumer, Cancelled).ToListAsync(Cancelled), l => l.Count > 0, what: "a dead letter");
        Assert.Equal("item-6", Assert.Single(deadLetter).Record.Dynamodb.Keys![Attributes.PK].S);
        Assert.Contains(handler.BatchSizes, size => size < 10);
        Assert.DoesNotContain("item-6", handler.Handled);
    }

    [Fact]
    public async Task A_handler_that_hangs_on_a_record_is_timed_out_so_the_record_is_dead_lettered_and_the_shard_moves_on()
    {
        var tables = await dynamo.CreateTablesAsync("hang");
        await PutItemsAsync(tables, "item", 4);
        var handler = new HangingHandler("item-1");
        await using var host = await ConsumerHost.StartAsync(tables, handler, Consumer, o =>
        {
            o.HandlerTimeout = TimeSpan.FromMilliseconds(300);
            o.MaxRetryAttempts = 1;
        });

        await Eventually.Until(() => Task.FromResult(handler.Handled.Count), n => n == 3, what: "the records around the hanging one");
        var deadLetters = host.Consumer.DeadLetters;
        var deadLetter = Assert.Single(await deadLetters.ListAsync(Consumer, Cancelled).ToListAsync(Cancelled));
        Assert.Equal("item-1", deadLetter.Record.Dynamodb.Keys![Attributes.PK].S);
        Assert.Contains("did not finish within", deadLetter.Error, StringComparison.Ordinal);
        Assert.Equal(["item-0", "item-2", "item-3"], handler.Handled.Distinct());
    }

    [Fact]
    public async Task A_poison_record_that_hangs_every_call_holds_its_shard_no_longer_than_PoisonRecordBound()
    {
        var tables = await dynamo.CreateTablesAsync("poison-bound");
        await PutItemsAsync(tables, "item", 4);
        var handler = new HangingHandler("item-2");
        StreamConsumerOptions? options = null;
        await using var host = await ConsumerHost.StartAsync(tables, handler, Consumer, o =>
        {
            o.BatchSize = 4;
            o.MaxRetryAttempts = 2;
            o.HandlerTimeout = TimeSpan.FromMilliseconds(500);
            o.MaxRetryBackoff = TimeSpan.FromSeconds(1);
            options = o;
        });

        // Held from the first call that hung on it until the record behind it was handed over and taken.
        await Eventually.Until(() => Task.FromResult(handler.Handled), h => h.Contains("item-3"), TimeSpan.FromSeconds(60), "the record behind the poison");
        var held = Stopwatch.GetElapsedTime(handler.FirstHangAt!.Value, handler.TakenAt("item-3"));
        Assert.True(held <= options!.PoisonRecordBound, $"the poison record held its shard {held}, longer than its bound {options.PoisonRecordBound}");
        Assert.Equal("item-2", Assert.Single(await host.Consumer.DeadLetters.ListAsync(Consumer, Cancelled).ToListAsync(Cancelled)).Record.Dynamodb.Keys![Attributes.PK].S);
    }

    [Fact]
    public async Task The_lease_table_has_no_stream_so_checkpoints_never_come_back_as_records()
    {
        var tables = await dynamo.CreateTablesAsync("lease-table");
        using var client = DynamoDbLocalFixture.CreateClient(tables);

        var leaseTable = (await client.DescribeTableAsync(tables.LeaseTableName, Cancelled)).Table;
        var streamed = (await client.DescribeTableAsync(tables.TableName, Cancelled)).Table;

        Assert.True(leaseTable.StreamSpecification?.StreamEnabled != true, "the lease table has a stream");
        Assert.Null(leaseTable.LatestStreamArn);
        Assert.True(streamed.StreamSpecification?.StreamEnabled == true, "the streamed table has no stream, so this test proves nothing");
        Assert.Null(LeaseTable.CreateTableRequest("any").StreamSpecification);
    }

    [Fact]
    public async Task An_outage_of_a_dependency_is_waited_out_without_dead_lettering_however_long_it_lasts()
    {
        var tables = await dynamo.CreateTablesAsync("outage");
        await PutItemsAsync(tables, "item", 3);
        var handler = new OutageHandler(outages: 8);
        await using var host = await ConsumerHost.StartAsync(tables, handler, Consumer, o => o.MaxRetryAttempts = 1);

        await Eventually.Until(() => Task.FromResult(handler.Handled.Count), n => n == 3, what: "the records after the outage");
        Assert.Equal(["item-0", "item-1", "item-2"], handler.Handled);
        Assert.Equal(0, handler.OutagesLeft);
        var deadLetters = host.Consumer.DeadLetters;
        Assert.Empty(await deadLetters.ListAsync(Consumer, Cancelled).ToListAsync(Cancelled));
    }

    [Fact]
    public async Task Replaying_a_dead_letter_once_its_cause_is_fixed_applies_it_once_and_removes_it()
    {
        var tables = await dynamo.CreateTablesAsync("replay");
        await PutItemsAsync(tables, "item", 3);
        var handler = new RecordingHandler { Poison = { "item-1" } };
        await using var host = await ConsumerHost.StartAsync(tables, handler, Consumer, o => o.MaxRetryAttempts = 0);
        var deadLetters = host.Consumer.DeadLetters;
        await Eventually.Until(
            async () => await deadLetters.ListAsync(Consumer, Cancelled).CountAsync(Cancelled), n => n == 1, what: "the dead letter");

        var stillPoisoned = await DeadLetterReplay.ReplayAsync(deadLetters, handler, Consumer, Cancelled);
        Assert.Equal(new DeadLetterReplay.Result(0, 1), stillPoisoned);

        handler.Cure();
        var fixedRun = await DeadLetterReplay.ReplayAsync(deadLetters, handler, Consumer, Cancelled);

        Assert.Equal(new DeadLetterReplay.Result(1, 0), fixedRun);
        Assert.Equal(1, handler.Handled.Count(pk => pk == "item-1"));
        Assert.Empty(await deadLetters.ListAsync(Consumer, Cancelled).ToListAsync(Cancelled));
        Assert.Equal(new DeadLetterReplay.Result(0, 0), await DeadLetterReplay.ReplayAsync(deadLetters, handler, Consumer, Cancelled));
    }

    [Fact]
    public async Task Records_older_than_the_maximum_age_are_dead_lettered_instead_of_handled()
    {
        var tables = await dynamo.CreateTablesAsync("age");
        await PutItemsAsync(tables, "old", 2);
        var written = DateTimeOffset.UtcNow;
        await Eventually.Until(() => Task.FromResult(DateTimeOffset.UtcNow - written), age => age > TimeSpan.FromSeconds(2.5), what: "the records to age");
        var handler = new RecordingHandler();
        await using var host = await ConsumerHost.StartAsync(tables, handler, Consumer, o => o.MaxRecordAge = TimeSpan.FromSeconds(1));

        var deadLetters = host.Consumer.DeadLetters;
        var dead = await Eventually.Until(
            async () => await deadLetters.ListAsync(Consumer, Cancelled).ToListAsync(Cancelled), l => l.Count == 2, what: "two dead letters");
        Assert.All(dead, d => Assert.Equal(DeadLetterReasons.RecordTooOld, d.Reason));
        Assert.Empty(handler.Delivered);
    }

    [Fact]
    public async Task A_stopping_instance_releases_its_lease_so_another_takes_it_long_before_the_failover_time()
    {
        var tables = await dynamo.CreateTablesAsync("release");
        await PutItemsAsync(tables, "before", 2);
        var slow = TimeSpan.FromSeconds(60);
        var first = new RecordingHandler();
        var second = new RecordingHandler();
        var a = await ConsumerHost.StartAsync(tables, first, Consumer, o => o.FailoverTime = slow);
        await Eventually.Until(() => Task.FromResult(first.Handled.Count), n => n == 2, what: "the first instance to read");
        await using var b = await ConsumerHost.StartAsync(tables, second, Consumer, o => o.FailoverTime = slow);

        await a.StopAsync();
        await a.DisposeAsync();
        await PutItemsAsync(tables, "after", 2);

        await Eventually.Until(() => Task.FromResult(second.Handled.Count), n => n == 2, timeout: TimeSpan.FromSeconds(20), what: "the second instance to take over");
        Assert.Equal(["after-0", "after-1"], second.Handled);
        Assert.Equal(b.Consumer.InstanceId, (await OnlyLeaseAsync(tables)).Owner);
    }

    private static async Task<ShardLease> OnlyLeaseAsync(DynamoDbOptions tables) => Assert.Single(await Leases.OfAsync(tables, Consumer));

    private static async Task PutItemsAsync(DynamoDbOptions tables, string prefix, int count, string itemType = "Thing")
    {
        using var client = DynamoDbLocalFixture.CreateClient(tables);
        for (var i = 0; i < count; i++)
        {
            await client.PutItemAsync(tables.TableName, new Dictionary<string, AttributeValue>
            {
                [Attributes.PK] = new($"{prefix}-{i}"),
                [Attributes.SK] = new("ITEM"),
                [Attributes.ItemType] = new(itemType),
            }, Cancelled);
        }
    }

    /// <summary>Hangs on one record until cancelled, as a handler stuck on a dead dependency would.</summary>
    private sealed class HangingHandler(string hangOn) : IDynamoDbStreamHandler
    {
        private readonly ConcurrentQueue<string> _handled = new();

        private readonly ConcurrentDictionary<string, long> _takenAt = new(StringComparer.Ordinal);
        private long _firstHangAt;

        public IReadOnlyList<string> Handled => [.. _handled];

        /// <summary>The monotonic timestamp of the first call that hung.</summary>
        public long? FirstHangAt => Interlocked.Read(ref _firstHangAt) is var at and not 0 ? at : null;

        public long TakenAt(string pk) => _takenAt[pk];

        public async Task<StreamsEventResponse> HandleAsync(
            DynamoDbEvent streamEvent, CancellationToken cancellationToken)
        {
            if (streamEvent.Records.Any(r => RecordingHandler.Pk(r) == hangOn))
            {
                Interlocked.CompareExchange(ref _firstHangAt, Stopwatch.GetTimestamp(), 0);
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            foreach (var record in streamEvent.Records)
            {
                _takenAt.TryAdd(RecordingHandler.Pk(record), Stopwatch.GetTimestamp());
                _handled.Enqueue(RecordingHandler.Pk(record));
            }

            return StreamsEventResponse.Success;
        }
    }

    /// <summary>Finds its dependency down for the first few calls, then handles everything.</summary>
    private sealed class OutageHandler(int outages) : IDynamoDbStreamHandler
    {
        private readonly ConcurrentQueue<string> _handled = new();
        private int _outagesLeft = outages;

        public int OutagesLeft => Volatile.Read(ref _outagesLeft);

        public IReadOnlyList<string> Handled => [.. _handled];

        public Task<StreamsEventResponse> HandleAsync(DynamoDbEvent streamEvent, CancellationToken cancellationToken)
        {
            if (Interlocked.Decrement(ref _outagesLeft) >= 0)
            {
                throw new DependencyUnavailableException("The broker is down (injected by the test).");
            }

            Interlocked.Exchange(ref _outagesLeft, 0);
            foreach (var record in streamEvent.Records)
            {
                _handled.Enqueue(RecordingHandler.Pk(record));
            }

            return Task.FromResult(StreamsEventResponse.Success);
        }
    }
}
