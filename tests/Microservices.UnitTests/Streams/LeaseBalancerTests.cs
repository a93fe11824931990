
namespace Microservices.UnitTests.Streams;

/// <summary>The balancing decision alone, on a clock the test moves: no I/O.</summary>
public sealed class LeaseBalancerTests
{
    private static readonly TimeSpan Expiry = TimeSpan.FromSeconds(10);

    private sealed class ManualClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }

    private static ShardLease Lease(string shard, string? owner, long counter = 1, string? parent = null, bool finished = false) =>
        new(shard, parent, owner, counter, null, finished);

    [Fact]
    public void A_new_instance_takes_free_leases_up_to_its_share_only()
    {
        var balancer = new LeaseBalancer(Expiry, new ManualClock());
        var table = new LeaseTableSnapshot(
            [Lease("s1", null), Lease("s2", null), Lease("s3", null), Lease("s4", null)],
            [new ConsumerInstance("me", 1), new ConsumerInstance("other", 1)]);

        var plan = balancer.Plan(table, "me");

        Assert.Equal(["s1", "s2"], plan.Take.Select(l => l.ShardId));
    }

    [Fact]
    public void A_lease_whose_counter_stops_moving_is_taken_only_after_the_lease_expiry()
    {
        var clock = new ManualClock();
        var balancer = new LeaseBalancer(Expiry, clock);
        var table = new LeaseTableSnapshot([Lease("s1", "dead", counter: 7)], [new ConsumerInstance("dead", 3)]);

        Assert.Empty(balancer.Plan(table, "me").Take);
        clock.Advance(Expiry - TimeSpan.FromSeconds(1));
        Assert.Empty(balancer.Plan(table, "me").Take);
        clock.Advance(TimeSpan.FromSeconds(1));

        var plan = balancer.Plan(table, "me");
        var taken = Assert.Single(plan.Take);
        Assert.Equal(7, taken.Counter);
        Assert.Equal("dead", Assert.Single(plan.ForgetInstances).InstanceId);
    }

    [Fact]
    public void A_lease_that_keeps_being_renewed_is_never_taken_as_abandoned()
    {
        var clock = new ManualClock();
        var balancer = new LeaseBalancer(Expiry, clock);
        for (var counter = 1; counter < 10; counter++)
        {
            var table = new LeaseTableSnapshot([Lease("s1", "alive", counter)], [new ConsumerInstance("alive", counter)]);
            Assert.Empty(balancer.Plan(table, "me").Take);
            clock.Advance(Expiry / 2);
        }
    }

    [Fact]
    public void An_instance_below_its_share_steals_one_lease_a_round_from_the_busiest()
    {
        var balancer = new LeaseBalancer(Expiry, new ManualClock());
        var table = new LeaseTableSnapshot(
            [Lease("s1", "busy"), Lease("s2", "busy"), Lease("s3", "busy"), Lease("s4", "busy")],
            [new ConsumerInstance("busy", 1), new ConsumerInstance("me", 1)]);

        var plan = balancer.Plan(table, "me");

        Assert.Equal("busy", Assert.Single(plan.Take).Owner);
    }

    [Fact]
    public void Balanced_instances_leave_each_other_alone()
    {
        var balancer = new LeaseBalancer(Expiry, new ManualClock());
        var table = new LeaseTableSnapshot(
            [Lease("s1", "other"), Lease("s2", "other"), Lease("s3", "me")],
            [new ConsumerInstance("other", 1), new ConsumerInstance("me", 1)]);

        Assert.Empty(balancer.Plan(table, "me").Take);
    }

    [Fact]
    public void A_child_shard_waits_until_its_parent_is_finished_and_a_parent_gone_from_the_stream_counts_as_finished()
    {
        var balancer = new LeaseBalancer(Expiry, new ManualClock());
        var parentOpen = new LeaseTableSnapshot([Lease("parent", "other"), Lease("child", null, parent: "parent")], [new ConsumerInstance("other", 1)]);
        var parentDone = new LeaseTableSnapshot([Lease("parent", null, finished: true), Lease("child", null, parent: "parent")], []);
        var parentGone = new LeaseTableSnapshot([Lease("child", null, parent: "aged-out")], []);

        Assert.Empty(balancer.Plan(parentOpen, "me").Take);
        Assert.Equal("child", Assert.Single(balancer.Plan(parentDone, "me").Take).ShardId);
        Assert.Equal("child", Assert.Single(balancer.Plan(parentGone, "me").Take).ShardId);
    }
}
