using System.Diagnostics;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Microservices.Migrations;

/// <summary>
/// What a service needs to know of the table's migrations, read from their history and kept for at most
/// <see cref="RefreshInterval"/>: whether to write a migration's new shape (from the moment its up run starts until a
/// down run starts), and whether readers may rely on it alone (applied: proved complete and contracted). A runner
/// waits longer than the refresh interval after it starts a run before its backfill reads anything, and a service
/// that still wrote the old shape in between is caught by the proof, which sends the backfill round again.
/// </summary>
public sealed class MigrationStates(IAmazonDynamoDB dynamo, string leaseTable, string table) : IDisposable
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(2);

    private readonly MigrationHistory _history = new(dynamo, leaseTable, table);
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private IReadOnlyDictionary<int, MigrationRecord> _records = new Dictionary<int, MigrationRecord>();
    private long _readAt;

    public void Dispose() => _refresh.Dispose();

    /// <summary>Whether this service writes the new shape of <paramref name="version"/> (alone once applied, beside the old one before).</summary>
    public async ValueTask<bool> WritesNewShapeAsync(int version, CancellationToken cancellationToken) =>
        (await RecordAsync(version, cancellationToken)) is { } record
        && (record.State == MigrationState.Applied || (record.Direction == MigrationDirection.Up && record.State is MigrationState.InProgress or MigrationState.Failed));

    /// <summary>Whether <paramref name="version"/> is applied: its new shape is complete, and the old one may be gone.</summary>
    public async ValueTask<bool> AppliedAsync(int version, CancellationToken cancellationToken) =>
        (await RecordAsync(version, cancellationToken))?.State == MigrationState.Applied;

    public async ValueTask<MigrationRecord?> RecordAsync(int version, CancellationToken cancellationToken)
    {
        if (_readAt == 0 || Stopwatch.GetElapsedTime(Volatile.Read(ref _readAt)) > RefreshInterval)
        {
            await _refresh.WaitAsync(cancellationToken);
            try
            {
                if (_readAt == 0 || Stopwatch.GetElapsedTime(Volatile.Read(ref _readAt)) > RefreshInterval)
                {
                    try
                    {
                        _records = (await _history.ReadAllAsync(cancellationToken)).ToDictionary(r => r.Version);
                    }
                    catch (ResourceNotFoundException)
                    {
                        // No lease table, so no runner has ever written a history: no migration has started.
                        _records = new Dictionary<int, MigrationRecord>();
                    }

                    Volatile.Write(ref _readAt, Stopwatch.GetTimestamp());
                }
            }
            finally
            {
                _refresh.Release();
            }
        }

        return _records.GetValueOrDefault(version);
    }
}
