namespace Microservices.Streams;

/// <summary>What one instance should do with the leases this round.</summary>
/// <param name="Take">Leases to take, each with the counter that was observed (the condition of the take).</param>
/// <param name="ForgetInstances">Heartbeats that stopped long ago, to clean up.</param>
public sealed record LeasePlan(IReadOnlyList<ShardLease> Take, IReadOnlyList<ConsumerInstance> ForgetInstances);

/// <summary>
/// Decides which leases an instance takes. Liveness is judged as the Kinesis Client Library does: by watching a
/// counter move on this instance's own clock, never by comparing clocks between machines. Each instance aims for an
/// equal share of the readable shards: it takes free and abandoned leases first, then steals one lease a round from
/// the busiest instance while that one holds more than its share.
/// </summary>
public sealed class LeaseBalancer(TimeSpan leaseExpiry, TimeProvider clock)
{
    private readonly Dictionary<string, (long Counter, long SeenAt)> _lastMove = new(StringComparer.Ordinal);

    public LeasePlan Plan(LeaseTableSnapshot snapshot, string me)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var byShard = snapshot.Leases.ToDictionary(l => l.ShardId, StringComparer.Ordinal);

        // Parents before children: a parent no longer in the stream (aged out) counts as done.
        var readable = snapshot.Leases
            .Where(l => !l.Finished && (l.ParentShardId is null || !byShard.TryGetValue(l.ParentShardId, out var parent) || parent.Finished))
            .OrderBy(l => l.ShardId, StringComparer.Ordinal)
            .ToList();

        var abandoned = readable.Where(l => l.Owner is null || (l.Owner != me && Stalled("lease:" + l.ShardId, l.Counter))).ToList();
        var liveInstances = snapshot.Instances
            .Where(i => i.InstanceId == me || !Stalled("instance:" + i.InstanceId, i.Counter))
            .Select(i => i.InstanceId)
            .Concat(readable.Except(abandoned).Select(l => l.Owner!))
            .Append(me)
            .ToHashSet(StringComparer.Ordinal);
        var forget = snapshot.Instances
            .Where(i => i.InstanceId != me && !liveInstances.Contains(i.InstanceId))
            .ToList();

        var share = (readable.Count + liveInstances.Count - 1) / liveInstances.Count;
        var mine = readable.Count(l => l.Owner == me);
        var take = abandoned.Take(Math.Max(0, share - mine)).ToList();

        if (mine + take.Count < share)
        {
            var busiest = readable
                .Where(l => l.Owner is not null && l.Owner != me && !abandoned.Contains(l))
                .GroupBy(l => l.Owner!, StringComparer.Ordinal)
                .MaxBy(g => g.Count());
            if (busiest is not null && busiest.Count() > share)
            {
                take.Add(busiest.First());
            }
        }

        return new LeasePlan(take, forget);
    }

    /// <summary>True once the counter under <paramref name="key"/> has not moved for the lease expiry.</summary>
    private bool Stalled(string key, long counter)
    {
        var now = clock.GetTimestamp();
        if (!_lastMove.TryGetValue(key, out var last) || last.Counter != counter)
        {
            _lastMove[key] = (counter, now);
            return false;
        }

        return clock.GetElapsedTime(last.SeenAt, now) >= leaseExpiry;
    }
}
