using Microservices.Streams;

namespace Microservices.Tests.Infrastructure;

public static class LeaseTakeover
{
    /// <summary>
    /// The longest a test may see between an owner's death and another instance holding its lease: the failover
    /// time, plus one lease interval for the round in which the take is made and the test's poll that sees it.
    /// Measure against it with a monotonic clock (<see cref="System.Diagnostics.Stopwatch.GetTimestamp()"/>) started
    /// before the owner dies.
    /// </summary>
    public static TimeSpan Bound(StreamConsumerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.FailoverTime + options.EffectiveLeaseInterval;
    }
}
