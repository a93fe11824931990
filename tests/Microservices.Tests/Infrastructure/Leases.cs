namespace Microservices.Tests.Infrastructure;

/// <summary>The one way tests read a stream consumer's leases, and the bound a takeover is held to.</summary>
public static class Leases
{
    /// <summary>The leases of <paramref name="consumer"/>, read from the lease table as the consumer itself reads them.</summary>
    public static async Task<IReadOnlyList<ShardLease>> OfAsync(DynamoDbOptions tables, string consumer) =>
        (await SnapshotAsync(tables, consumer)).Leases;

    /// <summary>The leases and instance heartbeats of <paramref name="consumer"/>, from one read of the lease table.</summary>
    public static async Task<LeaseTableSnapshot> SnapshotAsync(DynamoDbOptions tables, string consumer)
    {
        ArgumentNullException.ThrowIfNull(tables);
        using var client = DynamoDbLocalFixture.CreateClient(tables);
        var leases = new LeaseStore(client, tables.LeaseTableName);
        return await leases.ReadAsync(consumer, TestContext.Current.CancellationToken);
    }

    /// <summary>
    /// How many lease rounds the instance whose id satisfies <paramref name="instance"/> has begun: its heartbeat
    /// counter goes up once at the start of every round.
    /// </summary>
    public static long RoundsOf(this LeaseTableSnapshot snapshot, Func<string, bool> instance)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return snapshot.Instances.Single(i => instance(i.InstanceId)).Counter;
    }

    /// <summary>
    /// The most lease rounds a survivor may begin between an owner's death and a read that shows it holding the
    /// owner's leases: counted in the survivor's own rounds, so a slow machine stretches the rounds, never the count.
    /// The survivor sees the owner's last renewal by its second round after the death, takes the lease once that
    /// renewal has stood for the lease expiry (the failover time less two rounds), and each round lasts at least the
    /// lease interval: so it takes the lease in round failover time / interval - 1 at the latest. One more round is
    /// for the test's poll that sees the take, and one to spare for a round whose balance takes nothing yet because
    /// the dead instance's own heartbeat has not yet stood long enough.
    /// </summary>
    public static long TakeoverRounds(StreamConsumerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return (long)Math.Ceiling(options.FailoverTime / options.EffectiveLeaseInterval) + 1;
    }
}
