
namespace Microservices.Tests.Infrastructure;

/// <summary>The one way tests read a stream consumer's leases, and the bound a takeover is held to.</summary>
public static class Leases
{
    /// <summary>The leases of <paramref name="consumer"/>, read from the lease table as the consumer itself reads them.</summary>
    public static async Task<IReadOnlyList<ShardLease>> OfAsync(DynamoDbOptions tables, string consumer)
    {
        ArgumentNullException.ThrowIfNull(tables);
        using var client = DynamoDbLocalFixture.CreateClient(tables);
        var leases = new LeaseStore(client, tables.LeaseTableName);
        return (await leases.ReadAsync(consumer, TestContext.Current.CancellationToken)).Leases;
    }

    /// <summary>
    /// The longest a test may see between an owner's death and another instance holding its lease: the failover
    /// time, plus one lease interval for the round in which the take is made and the test's poll that sees it.
    /// Measure against it with a monotonic clock (<see cref="System.Diagnostics.Stopwatch.GetTimestamp()"/>) started
    /// before the owner dies.
    /// </summary>
    public static TimeSpan TakeoverBound(StreamConsumerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.FailoverTime + options.EffectiveLeaseInterval;
    }
}
