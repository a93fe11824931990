using Amazon.DynamoDBv2.Model;
using Microservices.SingleTable;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microservices.EventSourcing;

/// <summary>What the runner reads of every aggregate's state: the version its stream is at (0: it does not exist).</summary>
public interface IAggregateState
{
    long Version { get; }
}

/// <summary>The version a command left its stream at: the answer of every command that creates nothing.</summary>
public sealed record VersionResponse(long Version);

/// <summary>
/// One decided command: the state it was decided on, the state after its events, and the stream and table.
/// <see cref="Shaped"/> gives a canonical item the shape the table's migrations ask for now (<see cref="IItemShaper"/>).
/// </summary>
public sealed record Change<TState>(StreamName Stream, TState Before, TState After, string Table)
    where TState : IAggregateState
{
    public Func<Dictionary<string, AttributeValue>, Dictionary<string, AttributeValue>> Shaped { get; init; } = item => item;
}

/// <summary>What a command committed: the state after its events, at the stream's new version.</summary>
public sealed record Committed<TState>(TState State, long Version)
    where TState : IAggregateState;

/// <summary>
/// An aggregate as the runner needs it: its stream, its empty state and fold step, and its canonical writes, the
/// item(s) that a change puts, moves or deletes in the events' transaction, conditioned on the version loaded.
/// </summary>
public sealed record Aggregate<TState>(
    Func<string, StreamName> Stream,
    Func<string, TState> None,
    Func<TState, object, TState> Apply,
    Func<Change<TState>, IEnumerable<GuardedWrite>> Canonical)
    where TState : IAggregateState;

/// <summary>
/// How every command of every service runs: load the aggregate, decide, apply, and append the new events with the
/// canonical writes and the command's own guarded writes in one TransactWriteItems. The last event of every append
/// carries the state after it as a snapshot (<see cref="StateSnapshot"/>), so that loading costs the same however long
/// the stream is. A decision of no events writes nothing and answers the current version.
/// </summary>
public sealed class CommandRunner<TState>(EventStore store, IOptions<DynamoDbOptions> options, Aggregate<TState> aggregate, IItemShaper shaper)
    where TState : IAggregateState
{
    public string Table => options.Value.TableName;

    /// <summary>
    /// The aggregate's state: its newest snapshot with the events after it folded on, read in one strongly consistent
    /// Query backwards from the newest event (<see cref="EventStore.ReadTailAsync"/>), normally a single item. A stream
    /// with no snapshot (written before snapshots were) is folded from its first event. A snapshot that cannot be read
    /// (the state record changed shape since it was written, see <see cref="StateSnapshot"/>) is not an error: the whole
    /// stream is read and folded instead, and the command's own append writes a snapshot of the new shape.
    /// </summary>
    public async Task<TState> LoadAsync(string id, CancellationToken cancellationToken)
    {
        var stream = aggregate.Stream(id);
        var tail = await store.ReadTailAsync(stream, cancellationToken);
        if (tail.Snapshot is null)
        {
            return Fold(aggregate.None(id), tail.Events);
        }

        return StateSnapshot.TryRead<TState>(tail.Snapshot, tail.SnapshotVersion, out var snapshot)
            ? Fold(snapshot, tail.Events)
            : Fold(aggregate.None(id), await store.ReadAsync(stream, cancellationToken));
    }

    private TState Fold(TState state, IEnumerable<RecordedEvent> events) => events.Select(e => e.Data).Aggregate(state, aggregate.Apply);

    /// <summary>A command on an existing aggregate that writes nothing but its events and canonical item.</summary>
    public async Task<VersionResponse> Run(string id, Func<TState, IReadOnlyList<object>> decide, CancellationToken cancellationToken) =>
        new((await Run(id, decide, null, cancellationToken)).Version);

    /// <param name="alongside">The command's own guarded writes, given the change (an address item, a sale item...).</param>
    /// <param name="canonical">Replaces the aggregate's canonical writes, for a command whose condition is its own.</param>
    public async Task<Committed<TState>> Run(
        string id,
        Func<TState, IReadOnlyList<object>> decide,
        Func<Change<TState>, IEnumerable<GuardedWrite>>? alongside,
        CancellationToken cancellationToken,
        Func<Change<TState>, IEnumerable<GuardedWrite>>? canonical = null) =>
        await AppendAsync(id, await LoadAsync(id, cancellationToken), decide, alongside, canonical, cancellationToken);

    /// <summary>
    /// A create: a new id, nothing to load, the canonical item put only where none exists. Its answer is known before
    /// the append, so that under an Idempotency-Key (<see cref="IdempotencyScope"/>) the key's completion, with that
    /// answer, travels in the create's own transaction: a crash cannot leave a created resource with an open key.
    /// </summary>
    public async Task<TResponse> Create<TResponse>(
        Func<TState, IReadOnlyList<object>> decide,
        Func<Change<TState>, IEnumerable<GuardedWrite>>? alongside,
        Func<Committed<TState>, TResponse> respond,
        CancellationToken cancellationToken,
        Func<Change<TState>, IEnumerable<GuardedWrite>>? canonical = null)
        where TResponse : notnull
    {
        ArgumentNullException.ThrowIfNull(respond);
        var id = Ids.New();
        var state = aggregate.None(id);
        var response = default(TResponse);
        await AppendAsync(id, state, decide, change =>
        {
            response = respond(new Committed<TState>(change.After, change.After.Version));
            var own = alongside?.Invoke(change) ?? [];
            return IdempotencyScope.Current is { } idempotency ? [.. own, idempotency.Completion(response)] : own;
        }, canonical, cancellationToken);
        return response!;
    }

    private async Task<Committed<TState>> AppendAsync(
        string id,
        TState state,
        Func<TState, IReadOnlyList<object>> decide,
        Func<Change<TState>, IEnumerable<GuardedWrite>>? alongside,
        Func<Change<TState>, IEnumerable<GuardedWrite>>? canonical,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decide);
        var events = decide(state);
        var change = new Change<TState>(aggregate.Stream(id), state, events.Aggregate(state, aggregate.Apply), Table)
        {
            Shaped = await shaper.CurrentAsync(cancellationToken),
        };
        List<GuardedWrite> writes = [.. (canonical ?? aggregate.Canonical)(change), .. alongside?.Invoke(change) ?? []];
        var snapshot = events.Count == 0 ? null : StateSnapshot.Write(change.After);
        var version = await store.AppendAsync(change.Stream, state.Version, events, writes, snapshot, cancellationToken);
        return new Committed<TState>(change.After, version);
    }
}

public static class CommandRunnerServiceCollectionExtensions
{
    /// <summary>
    /// Registers the runner of one aggregate, to be injected as <c>CommandRunner&lt;TState&gt;</c>, with items written
    /// as they are unless the service registers an <see cref="IItemShaper"/> of its own.
    /// </summary>
    public static IServiceCollection AddCommandRunner<TState>(this IServiceCollection services, Aggregate<TState> aggregate)
        where TState : IAggregateState
    {
        services.TryAddSingleton<IItemShaper, UnchangedItems>();
        return services.AddSingleton(aggregate).AddSingleton<CommandRunner<TState>>();
    }
}
