namespace Ops.Soak;

/// <summary>
/// Every accepted command that named the version it expected, with the version the API answered, per stream. A lost
/// update is two accepted writes that each moved one stream from the same version: optimistic concurrency let both
/// through. A write answered at the version it expected (a change to the value the item already had, which decides
/// no event) moved nothing: beside one real change from that version the two are serialisable, not a lost update.
/// </summary>
public sealed class AcceptedWrites
{
    private readonly object _lock = new();
    private readonly Dictionary<(string Stream, long From), List<long>> _answers = [];

    /// <summary>Records an accepted write of <paramref name="stream"/> sent at <paramref name="expected"/>, answered at <paramref name="answered"/>.</summary>
    public void Accepted(string stream, long expected, long answered)
    {
        lock (_lock)
        {
            if (!_answers.TryGetValue((stream, expected), out var answers))
            {
                _answers[(stream, expected)] = answers = [];
            }

            answers.Add(answered);
        }
    }

    /// <summary>For every version that more than one accepted write moved a stream from, one fewer than those writes.</summary>
    public int LostUpdates => LostUpdateList().Sum(l => l.Answered.Count - 1);

    /// <summary>Accepted writes answered at the version they expected: no event, nothing moved.</summary>
    public int Unchanged
    {
        get
        {
            lock (_lock)
            {
                return _answers.Sum(a => a.Value.Count(answered => answered == a.Key.From));
            }
        }
    }

    /// <summary>
    /// Versions more than one accepted write was sent at, of which at most one moved the stream: serialisable
    /// acceptances that counting acceptances alone would have called a lost update.
    /// </summary>
    public int SharedWithoutLoss
    {
        get
        {
            lock (_lock)
            {
                return _answers.Count(a => a.Value.Count > 1 && a.Value.Count(answered => answered > a.Key.From) <= 1);
            }
        }
    }

    /// <summary>The lost updates themselves: a stream, the version it was moved from, and the versions the API answered.</summary>
    public IReadOnlyList<LostUpdate> LostUpdateList()
    {
        lock (_lock)
        {
            return
            [
                .. _answers
                    .Select(a => new LostUpdate(a.Key.Stream, a.Key.From, [.. a.Value.Where(answered => answered > a.Key.From)]))
                    .Where(l => l.Answered.Count > 1)
                    .OrderBy(l => l.Stream, StringComparer.Ordinal).ThenBy(l => l.From),
            ];
        }
    }
}

/// <summary>Two or more accepted writes that each moved <paramref name="Stream"/> from version <paramref name="From"/>, to the versions answered.</summary>
public sealed record LostUpdate(string Stream, long From, IReadOnlyList<long> Answered);
