using System.Diagnostics;
using Amazon.DynamoDBv2.Model;

namespace Microservices.Migrations;

/// <summary>
/// Keeps a run's read and write units a second under their limits, counted from what DynamoDB says each request
/// consumed (ReturnConsumedCapacity), not from estimates: a request waits while the units already spent are ahead of
/// the budget. A limit of null means no limit for that kind. Tells what it consumed, for the run's report.
/// </summary>
public sealed class CapacityLimiter(double? maxReadUnits, double? maxWriteUnits)
{
    private readonly Lock _gate = new();
    private long _started;
    private double _read;
    private double _written;

    public double ReadUnits
    {
        get
        {
            lock (_gate)
            {
                return _read;
            }
        }
    }

    public double WriteUnits
    {
        get
        {
            lock (_gate)
            {
                return _written;
            }
        }
    }

    /// <summary>Waits until both budgets have caught up with what was spent (a second's worth may be spent ahead).</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var wait = TimeSpan.Zero;
            lock (_gate)
            {
                // The budget starts with the first request, not with the run (an index built first saves up nothing).
                _started = _started == 0 ? Stopwatch.GetTimestamp() : _started;
                var elapsed = Stopwatch.GetElapsedTime(_started).TotalSeconds;
                wait = Max(Ahead(_read, maxReadUnits, elapsed), Ahead(_written, maxWriteUnits, elapsed));
            }

            if (wait <= TimeSpan.Zero)
            {
                return;
            }

            await Task.Delay(wait, cancellationToken);
        }
    }

    /// <summary>The read units a Scan, Query or GetItem consumed.</summary>
    public void SpendRead(ConsumedCapacity? consumed)
    {
        lock (_gate)
        {
            _read += consumed?.ReadCapacityUnits ?? consumed?.CapacityUnits ?? 0;
        }
    }

    /// <summary>
    /// The write units a write consumed, over every table it wrote (a transaction reports one entry a table), and at
    /// least <paramref name="atLeast"/>, the writer's own count of them: DynamoDB Local reports the units of one item
    /// for a whole transaction (4 for 1, 10 and 50 items of 1.5 KB alike, measured 2026-12-02), which would let a
    /// limit pass fifty times over there.
    /// </summary>
    public void SpendWrite(IEnumerable<ConsumedCapacity>? consumed, double atLeast = 0)
    {
        lock (_gate)
        {
            _written += Math.Max(atLeast, (consumed ?? []).Sum(c => c.WriteCapacityUnits ?? c.CapacityUnits ?? 0));
        }
    }

    /// <summary>How long until <paramref name="spent"/> units are within a budget of <paramref name="limit"/> a second, with one second of burst.</summary>
    private static TimeSpan Ahead(double spent, double? limit, double elapsed) =>
        limit is { } perSecond && spent > perSecond * (elapsed + 1) ? TimeSpan.FromSeconds(Math.Min(1, spent / perSecond - elapsed - 1)) : TimeSpan.Zero;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
