using Microservices.Streams.Lambda;

namespace Microservices.UnitTests.Streams;

/// <summary>
/// The pure model of a batch's outcome, with no I/O: given the options, the retry state and the pending records,
/// when the handler answers so, then this is checkpointed, dead-lettered and waited for.
/// </summary>
public sealed class BatchOutcomeTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);

    private static StreamConsumerOptions Options(int batchSize = 8, int retries = 2, bool bisect = true) => new()
    {
        ConsumerName = "model",
        BatchSize = batchSize,
        MaxRetryAttempts = retries,
        BisectBatchOnError = bisect,
        RetryBackoff = TimeSpan.FromMilliseconds(100),
        MaxRetryBackoff = TimeSpan.FromMilliseconds(350),
        HandlerTimeout = TimeSpan.FromSeconds(1),
    };

    private static DynamoDbStreamRecord Record(int sequence, string itemType = "Event", TimeSpan? age = null) => new()
    {
        EventId = $"e{sequence}",
        EventName = StreamEventName.Insert,
        Dynamodb = new StreamRecord
        {
            SequenceNumber = sequence.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ApproximateCreationDateTime = Now - (age ?? TimeSpan.Zero),
            NewImage = new() { ["ItemType"] = new Amazon.DynamoDBv2.Model.AttributeValue(itemType) },
        },
    };

    private static List<DynamoDbStreamRecord> Records(int count) => [.. Enumerable.Range(1, count).Select(i => Record(i))];

    private static HandlerResult.Failed Throws(int from) => new HandlerResult.Failed(from.ToString(System.Globalization.CultureInfo.InvariantCulture), "boom", Reported: false);

    private static HandlerResult.Failed Reports(int from) => new HandlerResult.Failed(from.ToString(System.Globalization.CultureInfo.InvariantCulture), "reported", Reported: true);

    /// <summary>Plans a batch from the pending records, decides it, and drops what the decision checkpoints.</summary>
    private static (BatchPlan Plan, BatchDecision Decision) Step(StreamConsumerOptions options, ref RetryState state, List<DynamoDbStreamRecord> pending, HandlerResult result)
    {
        var plan = BatchOutcome.Plan(options, state, pending, Now);
        var decision = BatchOutcome.Decide(options, state, plan, result);
        pending.RemoveRange(0, decision.Checkpoint);
        state = decision.Next;
        return (plan, decision);
    }

    [Fact]
    public void Given_a_full_batch_when_the_handler_takes_it_then_all_of_it_is_checkpointed_and_nothing_waits()
    {
        var options = Options();
        var state = RetryState.Fresh(options);
        var pending = Records(10);

        var (plan, decision) = Step(options, ref state, pending, new HandlerResult.Succeeded());

        Assert.Equal(8, plan.Batch.Count);
        Assert.Equal(8, decision.Checkpoint);
        Assert.Empty(decision.DeadLetters);
        Assert.Equal(TimeSpan.Zero, decision.Wait);
        Assert.False(decision.Retried);
        Assert.Equal(RetryState.Fresh(options), state);
    }

    [Fact]
    public void Given_a_partial_batch_failure_when_record_5_is_reported_then_records_1_to_4_are_checkpointed_and_5_is_retried_alone()
    {
        var options = Options();
        var state = RetryState.Fresh(options);
        var pending = Records(8);

        var (_, decision) = Step(options, ref state, pending, Reports(5));

        Assert.Equal(4, decision.Checkpoint);
        Assert.True(decision.Retried);
        Assert.Null(decision.Bisected);
        Assert.Equal(1, state.BatchSize);
        Assert.Equal("5", state.FailingHead);
        Assert.Equal(1, state.HeadFailures);
        Assert.Equal("8", state.FailingThrough);
        Assert.Equal(TimeSpan.FromMilliseconds(100), decision.Wait);
        Assert.True(state.Retrying);
    }

    [Fact]
    public void Given_a_thrown_error_when_bisecting_then_the_batch_halves_until_the_culprit_is_alone_and_no_halving_counts_as_a_retry()
    {
        var options = Options(batchSize: 8);
        var state = RetryState.Fresh(options);
        var pending = Records(8);
        var sizes = new List<int>();

        // Record 6 is poison: each call that includes it throws.
        for (var call = 0; call < 10 && state.BatchSize > 1; call++)
        {
            var plan = BatchOutcome.Plan(options, state, pending, Now);
            HandlerResult result = plan.Batch.Any(r => r.Dynamodb.SequenceNumber == "6") ? Throws(int.Parse(plan.Batch[0].Dynamodb.SequenceNumber, System.Globalization.CultureInfo.InvariantCulture)) : new HandlerResult.Succeeded();
            var decision = BatchOutcome.Decide(options, state, plan, result);
            pending.RemoveRange(0, decision.Checkpoint);
            state = decision.Next;
            sizes.Add(plan.Batch.Count);
            Assert.Equal(0, state.HeadFailures);
        }

        // 1-8 throws; 1-4 are taken; 5-8 throws; 5-6 throws; then 5 alone.
        Assert.Equal([8, 4, 4, 2, 1], sizes.Append(state.BatchSize));
        Assert.Equal("5", pending[0].Dynamodb.SequenceNumber);
    }

    [Fact]
    public void Given_a_record_alone_when_it_fails_max_retries_plus_one_times_then_it_is_dead_lettered_and_the_checkpoint_moves_past_it()
    {
        var options = Options(batchSize: 1, retries: 2);
        var state = RetryState.Fresh(options);
        var pending = Records(3);
        var waits = new List<TimeSpan>();

        BatchDecision decision;
        do
        {
            (_, decision) = Step(options, ref state, pending, Throws(1));
            waits.Add(decision.Wait);
        }
        while (decision.DeadLetters.Count == 0);

        Assert.Equal(3, waits.Count);
        Assert.Equal([TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200), TimeSpan.Zero], waits);
        Assert.Equal("1", Assert.Single(decision.DeadLetters).Dynamodb.SequenceNumber);
        Assert.Equal(3, decision.Attempts);
        Assert.Equal(1, decision.Checkpoint);
        Assert.Equal(RetryState.Fresh(options), state);
        Assert.Equal("2", pending[0].Dynamodb.SequenceNumber);
    }

    [Fact]
    public void Given_no_bisecting_when_a_batch_keeps_failing_then_its_failing_rest_is_dead_lettered_together()
    {
        var options = Options(batchSize: 4, retries: 1, bisect: false);
        var state = RetryState.Fresh(options);
        var pending = Records(4);

        var (_, first) = Step(options, ref state, pending, Throws(2));
        var (_, second) = Step(options, ref state, pending, Throws(2));

        Assert.Equal(1, first.Checkpoint);
        Assert.Empty(first.DeadLetters);
        Assert.Equal(["2", "3", "4"], second.DeadLetters.Select(r => r.Dynamodb.SequenceNumber));
        Assert.Equal(3, second.Checkpoint);
        Assert.Empty(pending);
    }

    [Fact]
    public void Given_a_dependency_down_when_it_stays_down_then_the_same_batch_waits_longer_each_time_counting_against_no_record()
    {
        var options = Options();
        var state = RetryState.Fresh(options);
        var pending = Records(8);
        var waits = new List<TimeSpan>();

        for (var i = 0; i < 4; i++)
        {
            var (_, decision) = Step(options, ref state, pending, new HandlerResult.DependencyDown("broker down"));
            Assert.Equal(0, decision.Checkpoint);
            Assert.Empty(decision.DeadLetters);
            Assert.False(decision.Retried);
            waits.Add(decision.Wait);
        }

        Assert.Equal([100, 200, 350, 350], waits.Select(w => (int)w.TotalMilliseconds));
        Assert.Equal(8, state.BatchSize);
        Assert.Null(state.FailingHead);
        Assert.Equal(0, state.HeadFailures);

        var (_, after) = Step(options, ref state, pending, new HandlerResult.Succeeded());
        Assert.Equal(8, after.Checkpoint);
        Assert.Equal(0, state.OutageFailures);
    }

    [Fact]
    public void Given_records_past_the_maximum_age_when_planning_then_the_old_head_is_dead_lettered_and_the_young_rest_waits_for_the_next_batch()
    {
        var options = Options();
        options.MaxRecordAge = TimeSpan.FromMinutes(5);
        var pending = new List<DynamoDbStreamRecord> { Record(1, age: TimeSpan.FromMinutes(9)), Record(2, age: TimeSpan.FromMinutes(6)), Record(3, age: TimeSpan.FromMinutes(1)) };

        var plan = BatchOutcome.Plan(options, RetryState.Fresh(options), pending, Now);

        Assert.Equal(2, plan.TooOld);
        Assert.Empty(plan.Wanted);
    }

    [Fact]
    public void Given_a_filter_when_planning_then_only_wanted_records_go_to_the_handler_but_the_whole_batch_is_checkpointed()
    {
        var options = Options();
        options.Filter = RecordFilter.StringAttribute("ItemType", "Event");
        var state = RetryState.Fresh(options);
        var pending = new List<DynamoDbStreamRecord> { Record(1), Record(2, "Author"), Record(3) };

        var (plan, decision) = Step(options, ref state, pending, new HandlerResult.Succeeded());

        Assert.Equal(["1", "3"], plan.Wanted.Select(r => r.Dynamodb.SequenceNumber));
        Assert.Equal(3, decision.Checkpoint);
    }

    [Fact]
    public void Given_a_reported_failure_behind_filtered_records_when_its_retries_run_out_then_only_the_wanted_record_is_dead_lettered()
    {
        var options = Options(batchSize: 4, retries: 0);
        options.Filter = RecordFilter.StringAttribute("ItemType", "Event");
        var state = RetryState.Fresh(options);
        var pending = new List<DynamoDbStreamRecord> { Record(1, "Author"), Record(2), Record(3, "Author") };

        var (_, decision) = Step(options, ref state, pending, Reports(2));

        Assert.Equal("2", Assert.Single(decision.DeadLetters).Dynamodb.SequenceNumber);
        Assert.Equal(2, decision.Checkpoint);
    }

    [Theory]
    [InlineData(100, 5, true)]
    [InlineData(8, 2, true)]
    [InlineData(1, 0, true)]
    [InlineData(16, 3, false)]
    public void Given_a_poison_record_that_hangs_every_call_then_the_time_it_holds_its_shard_stays_within_PoisonRecordBound(
        int batchSize, int retries, bool bisect)
    {
        var options = Options(batchSize, retries, bisect);
        var state = RetryState.Fresh(options);
        var pending = Records(batchSize);
        var poison = batchSize.ToString(System.Globalization.CultureInfo.InvariantCulture); // last: the most halvings
        var held = TimeSpan.Zero;

        for (var call = 0; ; call++)
        {
            Assert.True(call < 1000, "the poison record was never dead-lettered");
            var plan = BatchOutcome.Plan(options, state, pending, Now);
            var holdsPoison = plan.Batch.Any(r => r.Dynamodb.SequenceNumber == poison);
            // A call with the poison in it hangs until the handler timeout; one without it is the other records' work.
            HandlerResult result = holdsPoison ? Throws(int.Parse(plan.Batch[0].Dynamodb.SequenceNumber, System.Globalization.CultureInfo.InvariantCulture)) : new HandlerResult.Succeeded();
            var decision = BatchOutcome.Decide(options, state, plan, result);
            if (holdsPoison)
            {
                held += options.HandlerTimeout + decision.Wait;
            }

            pending.RemoveRange(0, decision.Checkpoint);
            state = decision.Next;
            if (decision.DeadLetters.Any(r => r.Dynamodb.SequenceNumber == poison))
            {
                break;
            }
        }

        Assert.True(held <= options.PoisonRecordBound, $"held {held}, bound {options.PoisonRecordBound}");
        Assert.Empty(pending);
    }

    [Fact]
    public void Backoff_doubles_from_the_first_wait_up_to_the_maximum()
    {
        var options = Options();

        Assert.Equal([100, 200, 350, 350], Enumerable.Range(1, 4).Select(f => (int)BatchOutcome.Backoff(options, f).TotalMilliseconds));
    }
}
