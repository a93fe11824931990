using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microservices.SingleTable;

namespace Microservices.Migrations;

/// <summary>
/// The history of a table's migrations, kept as items in the lease table (which has no stream, so none of this
/// comes back as records): PK = MIGRATIONS#{table}, one item per version (SK = VERSION#{version:D4}) and the
/// runner's lease (SK = RUNNER). Every write of a run is conditioned on its owner, so a runner that lost its lease
/// can neither checkpoint nor end the run.
/// </summary>
public sealed class MigrationHistory(IAmazonDynamoDB dynamo, string leaseTable, string table)
{
    internal const string PK = "PK";
    internal const string SK = "SK";
    internal const string RunnerSortKey = "RUNNER";

    private const string VersionPrefix = "VERSION#";

    public string LeaseTable { get; } = leaseTable;

    public string Table { get; } = table;

    internal string Partition => PartitionOf(Table);

    /// <summary>Where a table's history is kept in the lease table: PK = MIGRATIONS#{table} (what a reader's IAM policy names).</summary>
    public static string PartitionOf(string table) => "MIGRATIONS#" + table;

    internal Dictionary<string, AttributeValue> Key(string sortKey) => new() { [PK] = new(Partition), [SK] = new(sortKey) };

    private Dictionary<string, AttributeValue> Key(int version) => Key(VersionPrefix + version.ToString("D4", CultureInfo.InvariantCulture));

    public async Task<IReadOnlyList<MigrationRecord>> ReadAllAsync(CancellationToken cancellationToken)
    {
        var request = new QueryRequest
        {
            TableName = LeaseTable,
            KeyConditionExpression = "PK = :pk AND begins_with(SK, :version)",
            ExpressionAttributeValues = new() { [":pk"] = new(Partition), [":version"] = new(VersionPrefix) },
            ConsistentRead = true,
        };
        var records = new List<MigrationRecord>();
        await foreach (var item in dynamo.QueryAllAsync(request, cancellationToken))
        {
            records.Add(Read(item));
        }

        return records;
    }

    public async Task<MigrationRecord?> ReadAsync(int version, CancellationToken cancellationToken)
    {
        var response = await dynamo.GetItemAsync(new GetItemRequest { TableName = LeaseTable, Key = Key(version), ConsistentRead = true }, cancellationToken);
        return response.Item is { Count: > 0 } item ? Read(item) : null;
    }

    /// <summary>A new run of <paramref name="migration"/>: its item replaced by one in progress, in the expand phase, with no checkpoint.</summary>
    public Task StartAsync(Migration migration, MigrationDirection direction, int segments, string owner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(migration);
        var item = Key(migration.Version);
        item["Version"] = Number(migration.Version);
        item["Name"] = new(migration.Name);
        item["Description"] = new(migration.Description);
        item["State"] = new(nameof(MigrationState.InProgress));
        item["Direction"] = new(direction.ToString());
        item["Phase"] = new(direction == MigrationDirection.Up ? MigrationPhases.Expand : MigrationPhases.Backfill);
        item["Owner"] = new(owner);
        item["StartedAt"] = new(Now());
        item["Visited"] = Number(0);
        item["Changed"] = Number(0);
        item["Segments"] = Number(segments);
        item["Checkpoints"] = new() { M = [] };
        return dynamo.PutItemAsync(new PutItemRequest { TableName = LeaseTable, Item = item }, cancellationToken);
    }

    /// <summary>The run continues under <paramref name="owner"/> from where it stood (a killed or failed run).</summary>
    public Task ResumeAsync(int version, string owner, CancellationToken cancellationToken) => dynamo.UpdateItemAsync(new UpdateItemRequest
    {
        TableName = LeaseTable,
        Key = Key(version),
        UpdateExpression = "SET #owner = :owner, #state = :inProgress REMOVE #error",
        ConditionExpression = "attribute_exists(PK)",
        ExpressionAttributeNames = new() { ["#owner"] = "Owner", ["#state"] = "State", ["#error"] = "Error" },
        ExpressionAttributeValues = new() { [":owner"] = new(owner), [":inProgress"] = new(nameof(MigrationState.InProgress)) },
    }, cancellationToken);

    /// <summary>The next phase; a pass (backfill, prove's second look, contract) starts with no checkpoint.</summary>
    public Task SetPhaseAsync(int version, string phase, string owner, bool newPass, CancellationToken cancellationToken) => OwnedUpdateAsync(
        version, owner,
        newPass ? "SET #phase = :phase, Checkpoints = :none REMOVE SegmentsDone" : "SET #phase = :phase",
        new() { ["#phase"] = "Phase" },
        newPass ? new() { [":phase"] = new(phase), [":none"] = new() { M = [] } } : new() { [":phase"] = new(phase) },
        cancellationToken);

    /// <summary>
    /// The checkpoint of one segment after a batch of its items: the key to resume after (or, at the segment's end,
    /// null: done), and how many items it visited and changed. Sent in the same transaction as the batch's changes, so
    /// a run killed at any point has either both or neither.
    /// </summary>
    public TransactWriteItem Checkpoint(int version, string owner, int segment, Dictionary<string, AttributeValue>? resumeAfter, long visited, long changed) =>
        Counted(version, owner, segment, resumeAfter, visited, changed);

    /// <summary>
    /// Counts items changed on their own, outside a batch, without moving any segment's checkpoint: in the
    /// transaction of their change, on the condition that this runner still owns the run.
    /// </summary>
    public TransactWriteItem Tally(int version, string owner, long visited, long changed) =>
        Counted(version, owner, null, null, visited, changed);

    private TransactWriteItem Counted(int version, string owner, int? segment, Dictionary<string, AttributeValue>? resumeAfter, long visited, long changed)
    {
        var names = new Dictionary<string, string> { ["#updated"] = "UpdatedAt" };
        var values = new Dictionary<string, AttributeValue>
        {
            [":visited"] = Number(visited),
            [":changed"] = Number(changed),
            [":now"] = new(Now()),
        };
        string update;
        if (segment is null)
        {
            update = "SET #updated = :now ADD Visited :visited, Changed :changed";
        }
        else if (resumeAfter is null)
        {
            values[":segment"] = new() { NS = [segment.Value.ToString(CultureInfo.InvariantCulture)] };
            update = "SET #updated = :now ADD Visited :visited, Changed :changed, SegmentsDone :segment";
        }
        else
        {
            names["#segment"] = segment.Value.ToString(CultureInfo.InvariantCulture);
            values[":key"] = new() { M = resumeAfter };
            update = "SET #updated = :now, Checkpoints.#segment = :key ADD Visited :visited, Changed :changed";
        }

        return new TransactWriteItem { Update = Owned(version, owner, update, names, values) };
    }

    public Task FinishAsync(int version, MigrationState state, string owner, CancellationToken cancellationToken) => OwnedUpdateAsync(
        version, owner, "SET #state = :state, #phase = :done, FinishedAt = :now",
        new() { ["#state"] = "State", ["#phase"] = "Phase" },
        new() { [":state"] = new(state.ToString()), [":done"] = new(MigrationPhases.Done), [":now"] = new(Now()) },
        cancellationToken);

    public Task FailAsync(int version, string error, string owner, CancellationToken cancellationToken) => OwnedUpdateAsync(
        version, owner, "SET #state = :failed, #error = :error, FinishedAt = :now",
        new() { ["#state"] = "State", ["#error"] = "Error" },
        new() { [":failed"] = new(nameof(MigrationState.Failed)), [":error"] = new(error.Length > 2000 ? error[..2000] : error), [":now"] = new(Now()) },
        cancellationToken);

    /// <summary>Writes a history item as it is given: for tests and tools that set up a table's history.</summary>
    internal Task PutAsync(Dictionary<string, AttributeValue> attributes, int version, CancellationToken cancellationToken)
    {
        var item = Key(version);
        foreach (var (name, value) in attributes)
        {
            item[name] = value;
        }

        return dynamo.PutItemAsync(new PutItemRequest { TableName = LeaseTable, Item = item }, cancellationToken);
    }

    private async Task OwnedUpdateAsync(
        int version, string owner, string update, Dictionary<string, string> names, Dictionary<string, AttributeValue> values, CancellationToken cancellationToken)
    {
        var owned = Owned(version, owner, update, names, values);
        try
        {
            await dynamo.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = owned.TableName,
                Key = owned.Key,
                UpdateExpression = owned.UpdateExpression,
                ConditionExpression = owned.ConditionExpression,
                ExpressionAttributeNames = owned.ExpressionAttributeNames,
                ExpressionAttributeValues = owned.ExpressionAttributeValues,
            }, cancellationToken);
        }
        catch (ConditionalCheckFailedException)
        {
            throw new MigrationLeaseLostException($"Another runner has taken over migration {version}; this run stops.");
        }
    }

    /// <summary>An update of a run's history item, on the condition that this runner still owns the run.</summary>
    private Update Owned(int version, string owner, string update, Dictionary<string, string> names, Dictionary<string, AttributeValue> values)
    {
        names["#owner"] = "Owner";
        values[":owner"] = new(owner);
        return new Update
        {
            TableName = LeaseTable,
            Key = Key(version),
            UpdateExpression = update,
            ConditionExpression = "#owner = :owner",
            ExpressionAttributeNames = names,
            ExpressionAttributeValues = values,
        };
    }

    private static MigrationRecord Read(Dictionary<string, AttributeValue> item)
    {
        static long N(Dictionary<string, AttributeValue> item, string name) =>
            item.TryGetValue(name, out var value) && value.N is { } n ? long.Parse(n, CultureInfo.InvariantCulture) : 0;
        static DateTimeOffset? Time(Dictionary<string, AttributeValue> item, string name) =>
            item.TryGetValue(name, out var value) && value.S is { } s ? DateTimeOffset.Parse(s, CultureInfo.InvariantCulture) : null;

        return new MigrationRecord(
            (int)N(item, "Version"),
            item.GetValueOrDefault("Name")?.S ?? "",
            Enum.Parse<MigrationState>(item["State"].S),
            Enum.Parse<MigrationDirection>(item.GetValueOrDefault("Direction")?.S ?? nameof(MigrationDirection.Up)),
            item.GetValueOrDefault("Phase")?.S ?? MigrationPhases.Done,
            item.GetValueOrDefault("Owner")?.S,
            Time(item, "StartedAt") ?? DateTimeOffset.MinValue,
            Time(item, "FinishedAt"),
            N(item, "Visited"),
            N(item, "Changed"),
            (int)N(item, "Segments"),
            (item.GetValueOrDefault("Checkpoints")?.M ?? []).ToDictionary(p => int.Parse(p.Key, CultureInfo.InvariantCulture), p => p.Value.M),
            (item.GetValueOrDefault("SegmentsDone")?.NS ?? []).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToHashSet(),
            item.GetValueOrDefault("Error")?.S);
    }

    internal static AttributeValue Number(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    private static string Now() => DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
}
