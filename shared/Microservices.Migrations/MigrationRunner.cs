using Amazon.DynamoDBv2;

namespace Microservices.Migrations;

/// <summary>How a runner runs: scan segments, its lease, unit limits, and who it says it is in the history.</summary>
/// <param name="Propagation">
/// How long a run waits after it starts before it reads an item: the services see the new state within
/// <see cref="MigrationStates.RefreshInterval"/> (default: twice that and a second).
/// </param>
public sealed record RunnerOptions(
    int Segments = 4, TimeSpan? LeaseLength = null, double? MaxReadUnits = null, double? MaxWriteUnits = null, string? Owner = null, TimeSpan? Propagation = null)
{
    public TimeSpan Lease => LeaseLength ?? TimeSpan.FromSeconds(30);

    public TimeSpan PropagationDelay => Propagation ?? (2 * MigrationStates.RefreshInterval) + TimeSpan.FromSeconds(1);

    public string Who => Owner ?? $"{Environment.MachineName}/{Environment.ProcessId}";
}

/// <summary>One line of <c>status</c>: a version as the code knows it and as the table's history has it.</summary>
public sealed record MigrationStatus(int Version, Migration? Code, MigrationRecord? Table);

/// <summary>
/// The proof a run waits for before it contracts: the consistency check, on the table as it is, with the invariants
/// of the shapes this migration's state implies. Returns what it found wrong (nothing: proved).
/// </summary>
public delegate Task<IReadOnlyList<string>> MigrationProof(Migration migration, MigrationDirection direction, CancellationToken cancellationToken);

/// <summary>
/// Runs a table's migrations in order, one runner at a time: <see cref="UpAsync"/> and <see cref="DownAsync"/> take
/// the runner lease, and each migration's run goes expand, backfill, prove, contract (down: backfill, prove,
/// retract), every phase recorded in its history item so that a killed run resumes where it stood. A migration is
/// applied only once the proof finds the table clean; a backfill pass that leaves anomalies (items written in the
/// old shape while the run started) is followed by another, up to three.
/// </summary>
public sealed class MigrationRunner(IAmazonDynamoDB dynamo, MigrationCatalog catalog, MigrationHistory history, MigrationProof prove, RunnerOptions options, IProgress<PassProgress>? progress = null, Action<string>? log = null)
{
    private const int Passes = 3;

    public async Task<IReadOnlyList<MigrationStatus>> StatusAsync(CancellationToken cancellationToken)
    {
        var records = (await history.ReadAllAsync(cancellationToken)).ToDictionary(r => r.Version);
        var last = Math.Max(catalog.Latest, records.Count == 0 ? 0 : records.Keys.Max());
        return [.. Enumerable.Range(1, last).Select(v => new MigrationStatus(v, catalog.Find(v), records.GetValueOrDefault(v)))];
    }

    /// <summary>
    /// A table just created, before anything is written to it, starts at the latest version: each migration's expand
    /// runs (its index is created) and each is recorded applied, with nothing visited, so the services write and read
    /// the newest shapes from the first item on. Refused on a table that has a history or holds any item, which only
    /// <see cref="UpAsync"/> may bring forward. Returns the versions recorded.
    /// </summary>
    public async Task<IReadOnlyList<int>> StartAtLatestAsync(CancellationToken cancellationToken)
    {
        if ((await history.ReadAllAsync(cancellationToken)).Count > 0)
        {
            throw new MigrationRefusedException($"The table {history.Table} has a migration history already: run 'up' to bring it forward.");
        }

        var any = await dynamo.ScanAsync(new Amazon.DynamoDBv2.Model.ScanRequest { TableName = history.Table, Limit = 1 }, cancellationToken);
        if (any.Items is { Count: > 0 })
        {
            throw new MigrationRefusedException($"The table {history.Table} holds items: they may be in older shapes, so only 'up' may migrate them.");
        }

        await using var lease = await RunnerLease.TakeAsync(dynamo, history, options.Who, options.Lease, cancellationToken);
        var context = new MigrationContext(dynamo, history.Table, DryRun: false);
        foreach (var migration in catalog.All)
        {
            await migration.ExpandAsync(context, cancellationToken);
            await history.StartAsync(migration, MigrationDirection.Up, options.Segments, lease.Owner, cancellationToken);
            await history.FinishAsync(migration.Version, MigrationState.Applied, lease.Owner, cancellationToken);
            log?.Invoke($"Migration {migration}: applied with the table (nothing to change).");
        }

        return [.. catalog.All.Select(m => m.Version)];
    }

    /// <summary>Dry runs of the migrations up to <paramref name="to"/> not yet applied, each on the table as it is now. Writes nothing.</summary>
    public async Task<IReadOnlyList<MigrationPlan>> PlanAsync(int? to, CancellationToken cancellationToken)
    {
        var records = await ReadCheckedAsync(cancellationToken);
        var target = Target(to ?? catalog.Latest);
        var plans = new List<MigrationPlan>();
        foreach (var migration in catalog.All.Take(target).Where(m => records.GetValueOrDefault(m.Version)?.State != MigrationState.Applied))
        {
            var pass = new BackfillPass(dynamo, history, new CapacityLimiter(options.MaxReadUnits, options.MaxWriteUnits), progress: null);
            plans.Add(await pass.PlanAsync(migration, MigrationDirection.Up, migration.ItemTypes, migration.UpAsync, options.Segments, cancellationToken));
        }

        return plans;
    }

    /// <summary>Applies every migration up to <paramref name="to"/> (default: the latest) that is not applied, in order.</summary>
    public async Task<IReadOnlyList<int>> UpAsync(int? to, CancellationToken cancellationToken)
    {
        var records = await ReadCheckedAsync(cancellationToken);
        var target = Target(to ?? catalog.Latest);
        var pending = catalog.All.Take(target).Where(m => records.GetValueOrDefault(m.Version)?.State != MigrationState.Applied).ToList();
        if (pending.FirstOrDefault(m => records.GetValueOrDefault(m.Version) is { State: MigrationState.InProgress or MigrationState.Failed, Direction: MigrationDirection.Down }) is { } down)
        {
            throw new MigrationRefusedException($"Migration {down} is being taken down (a run that did not finish); finish it with 'down --to {down.Version - 1}' first.");
        }

        await using var lease = await RunnerLease.TakeAsync(dynamo, history, options.Who, options.Lease, cancellationToken);
        using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lease.Lost);
        foreach (var migration in pending)
        {
            await RunAsync(migration, MigrationDirection.Up, records.GetValueOrDefault(migration.Version), lease, run.Token);
        }

        return [.. pending.Select(m => m.Version)];
    }

    /// <summary>Takes down every applied migration above <paramref name="to"/> (default: the latest applied one), newest first.</summary>
    public async Task<IReadOnlyList<int>> DownAsync(int? to, CancellationToken cancellationToken)
    {
        var records = await ReadCheckedAsync(cancellationToken);
        var applied = records.Values.Where(r => r.State != MigrationState.Reverted).Select(r => r.Version).DefaultIfEmpty(0).Max();
        var target = to ?? Math.Max(0, applied - 1);
        if (target < 0 || target > catalog.Latest)
        {
            throw new MigrationRefusedException($"There is no version {target} to go down to: this code knows 0 to {catalog.Latest}.");
        }

        var taken = catalog.All.Skip(target).Reverse().Where(m => records.GetValueOrDefault(m.Version) is { State: not MigrationState.Reverted }).ToList();
        if (taken.FirstOrDefault(m => !m.Reversible) is { } oneWay)
        {
            throw new MigrationRefusedException($"Migration {oneWay} cannot go down (it has no down); nothing was changed.");
        }

        if (taken.FirstOrDefault(m => records[m.Version] is { State: MigrationState.InProgress or MigrationState.Failed, Direction: MigrationDirection.Up }) is { } half)
        {
            throw new MigrationRefusedException($"Migration {half} did not finish going up; run 'up --to {half.Version}' to finish it before taking it down.");
        }

        await using var lease = await RunnerLease.TakeAsync(dynamo, history, options.Who, options.Lease, cancellationToken);
        using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lease.Lost);
        foreach (var migration in taken)
        {
            await RunAsync(migration, MigrationDirection.Down, records[migration.Version], lease, run.Token);
        }

        return [.. taken.Select(m => m.Version)];
    }

    private async Task RunAsync(Migration migration, MigrationDirection direction, MigrationRecord? record, RunnerLease lease, CancellationToken cancellationToken)
    {
        var owner = lease.Owner;
        var resume = record is { State: MigrationState.InProgress or MigrationState.Failed } && record.Direction == direction;
        if (resume)
        {
            await history.ResumeAsync(migration.Version, owner, cancellationToken);
            log?.Invoke($"Migration {migration}: resuming its {direction.ToString().ToLowerInvariant()} run at {record!.Phase} ({record.Visited:N0} items visited, {record.Changed:N0} changed so far).");
        }
        else
        {
            await history.StartAsync(migration, direction, options.Segments, owner, cancellationToken);
            log?.Invoke($"Migration {migration}: {direction.ToString().ToLowerInvariant()}.");
        }

        // Every service writes the shape this run needs before the backfill reads its first item.
        await Task.Delay(options.PropagationDelay, cancellationToken);
        var context = new MigrationContext(dynamo, history.Table, DryRun: false);
        var limiter = new CapacityLimiter(options.MaxReadUnits, options.MaxWriteUnits);
        var pass = new BackfillPass(dynamo, history, limiter, progress);
        var passes = 1;
        try
        {
            while (true)
            {
                var now = await history.ReadAsync(migration.Version, cancellationToken) ?? throw new InvalidOperationException($"The history item of {migration} is gone.");
                switch (now.Phase)
                {
                    case MigrationPhases.Expand:
                        await migration.ExpandAsync(context, cancellationToken);
                        await history.SetPhaseAsync(migration.Version, MigrationPhases.Backfill, owner, newPass: false, cancellationToken);
                        break;
                    case MigrationPhases.Backfill:
                        var changed = direction == MigrationDirection.Up
                            ? await pass.RunAsync(migration, MigrationPhases.Backfill, migration.ItemTypes, migration.UpAsync, now, owner, cancellationToken)
                            : await pass.RunAsync(migration, MigrationPhases.Backfill, migration.DownItemTypes, migration.DownAsync, now, owner, cancellationToken);
                        log?.Invoke($"Migration {migration}: backfill pass {passes} changed {changed:N0} items.");
                        await history.SetPhaseAsync(migration.Version, MigrationPhases.Prove, owner, newPass: false, cancellationToken);
                        break;
                    case MigrationPhases.Prove:
                        var anomalies = await prove(migration, direction, cancellationToken);
                        if (anomalies.Count == 0)
                        {
                            log?.Invoke($"Migration {migration}: the check is clean.");
                            await history.SetPhaseAsync(migration.Version, direction == MigrationDirection.Up ? MigrationPhases.Contract : MigrationPhases.Retract, owner, newPass: false, cancellationToken);
                        }
                        else if (passes++ < Passes)
                        {
                            log?.Invoke($"Migration {migration}: the check found {anomalies.Count:N0} anomalies ({anomalies[0]}); another backfill pass.");
                            await history.SetPhaseAsync(migration.Version, MigrationPhases.Backfill, owner, newPass: true, cancellationToken);
                        }
                        else
                        {
                            throw new InvalidOperationException($"The check still found {anomalies.Count:N0} anomalies after {Passes} passes: {string.Join("; ", anomalies.Take(5))}");
                        }

                        break;
                    case MigrationPhases.Contract:
                        await migration.ContractAsync(context, cancellationToken);
                        await history.FinishAsync(migration.Version, MigrationState.Applied, owner, cancellationToken);
                        log?.Invoke($"Migration {migration}: applied.");
                        return;
                    case MigrationPhases.Retract:
                        await migration.RetractAsync(context, cancellationToken);
                        await history.FinishAsync(migration.Version, MigrationState.Reverted, owner, cancellationToken);
                        log?.Invoke($"Migration {migration}: taken down.");
                        return;
                    default:
                        throw new InvalidOperationException($"The history item of {migration} is in an unknown phase '{now.Phase}'.");
                }
            }
        }
        catch (Exception exception) when (exception is not (OperationCanceledException or MigrationLeaseLostException))
        {
            // The run stays resumable: its checkpoints are kept, and the next run goes on from them.
            await history.FailAsync(migration.Version, exception.Message, owner, CancellationToken.None);
            throw;
        }
    }

    /// <summary>The history, refused when the table is ahead of this code or its applied versions are not 1..n in order.</summary>
    private async Task<Dictionary<int, MigrationRecord>> ReadCheckedAsync(CancellationToken cancellationToken)
    {
        var records = (await history.ReadAllAsync(cancellationToken)).ToDictionary(r => r.Version);
        var unknown = records.Values.Where(r => catalog.Find(r.Version) is null && r.State != MigrationState.Reverted).OrderBy(r => r.Version).ToList();
        if (unknown.Count > 0)
        {
            throw new MigrationRefusedException(
                $"The table {history.Table} is ahead of this code: it has {string.Join(", ", unknown.Select(r => $"{r.Version} ({r.Name}, {r.State})"))}, and this code knows versions 1 to {catalog.Latest}. Run a build that knows them.");
        }

        if (records.Values.FirstOrDefault(r => catalog.Find(r.Version) is { } m && m.Name != r.Name) is { } renamed)
        {
            throw new MigrationRefusedException($"Version {renamed.Version} is '{renamed.Name}' on the table and '{catalog.Find(renamed.Version)!.Name}' in this code: they are out of step.");
        }

        foreach (var record in records.Values.Where(r => r.State != MigrationState.Reverted))
        {
            if (record.Version > 1 && records.GetValueOrDefault(record.Version - 1)?.State != MigrationState.Applied)
            {
                throw new MigrationRefusedException(
                    $"Migration {record.Version} ({record.Name}) is {record.State} on {history.Table}, but its predecessor {record.Version - 1} is not applied: the history is out of order.");
            }
        }

        return records;
    }

    private int Target(int to) => to >= 1 && to <= catalog.Latest
        ? to
        : throw new MigrationRefusedException($"There is no migration {to}: this code knows versions 1 to {catalog.Latest}.");
}
