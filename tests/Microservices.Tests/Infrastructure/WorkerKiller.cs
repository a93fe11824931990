
namespace Microservices.Tests.Infrastructure;

/// <summary>
/// Runs built workers as processes and SIGKILLs and restarts them at moments drawn from a seeded <see cref="Random"/>,
/// for as long as a load runs: the fault a soak injects when "a worker is killed at random points and restarted".
/// </summary>
public sealed class WorkerKiller(DynamoDbOptions tables, IReadOnlyDictionary<string, string?> messaging, int seed) : IDisposable
{
    private readonly Random _random = new(seed);
    private readonly Dictionary<string, WorkerProcess> _running = [];
    private readonly List<(string Program, TimeSpan At)> _kills = [];

    /// <summary>Every kill so far: which worker, and when after <see cref="DuringAsync"/> began.</summary>
    public IReadOnlyList<(string Program, TimeSpan At)> Kills => _kills;

    /// <summary>The running process of <paramref name="program"/> (<see cref="WorkerProcess.Relay"/>, <see cref="WorkerProcess.CatalogWorker"/>).</summary>
    public WorkerProcess this[string program] => _running[program];

    /// <summary>Starts <paramref name="program"/> (once).</summary>
    public WorkerProcess Start(string program)
    {
        if (!_running.TryGetValue(program, out var process))
        {
            _running[program] = process = WorkerProcess.Start(tables, messaging, program);
        }

        return process;
    }

    /// <summary>SIGKILLs the running <paramref name="program"/> and starts a fresh one on the same settings.</summary>
    public WorkerProcess KillAndRestart(string program)
    {
        var old = _running[program];
        if (old.HasExited)
        {
            throw new InvalidOperationException($"{program} had stopped by itself before it was killed:\n{old.Output()}");
        }

        old.KillHard();
        old.Dispose();
        return _running[program] = WorkerProcess.Start(tables, messaging, program);
    }

    /// <summary>
    /// While <paramref name="load"/> runs, kills and restarts up to <paramref name="kills"/> times, each after a pause
    /// drawn between zero and <paramref name="maxGap"/>, each time one of the running workers drawn at random.
    /// Returns how many kills happened before the load ended.
    /// </summary>
    public async Task<int> DuringAsync(Task load, int kills, TimeSpan maxGap)
    {
        ArgumentNullException.ThrowIfNull(load);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var programs = _running.Keys.Order(StringComparer.Ordinal).ToArray();
        var done = 0;
        while (done < kills)
        {
            var gap = maxGap * _random.NextDouble();
            var program = programs[_random.Next(programs.Length)];
            if (await Task.WhenAny(load, Task.Delay(gap, TestContext.Current.CancellationToken)) == load)
            {
                break;
            }

            KillAndRestart(program);
            _kills.Add((program, clock.Elapsed));
            done++;
        }

        await load;
        return done;
    }

    /// <summary>Fails the test with its output if a worker stopped by itself.</summary>
    public void AssertAllRunning()
    {
        foreach (var (program, process) in _running)
        {
            Assert.False(process.HasExited, $"{program} stopped by itself:\n{process.Output()}");
        }
    }

    public void Dispose()
    {
        foreach (var process in _running.Values)
        {
            process.Dispose();
        }

        _running.Clear();
    }
}
