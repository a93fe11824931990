using System.Collections.Concurrent;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microservices.SingleTable;

namespace Microservices.Migrations;

/// <summary>How far a pass has come: items the scan read and those it handed over, changed, in this process.</summary>
public sealed record PassProgress(int Version, string Name, string Phase, long Scanned, long Visited, long Changed, long? TableItems, TimeSpan Elapsed);

/// <summary>What a dry run found for one item type: how many items it visited, how many would change, and a few of them before and after.</summary>
public sealed record PlanEntry(
    string ItemType, long Visited, long Changing, IReadOnlyList<ItemChange> Samples);

/// <summary>The whole dry run of one migration: per item type, and the units it measured (reads) and estimates (writes).</summary>
public sealed record MigrationPlan(int Version, string Name, MigrationDirection Direction, IReadOnlyList<PlanEntry> Entries, double ReadUnits, double WriteUnits);

/// <summary>
/// One pass over the items of some types: a parallel scan (<c>Segments</c> segments, strongly consistent, filtered on
/// the item type), each page's changes written in transactions of at most 100 items whose last item is the segment's
/// checkpoint. A pass killed at any point resumes from its checkpoints and finds either a batch's changes and its
/// checkpoint or neither, so no item is changed twice and none is skipped. A change whose guard refuses it (a
/// command or worker wrote the item since the scan read it) is made again from the item read anew.
/// </summary>
internal sealed class BackfillPass(IAmazonDynamoDB dynamo, MigrationHistory history, CapacityLimiter limiter, IProgress<PassProgress>? progress)
{
    private const int PageSize = 100;
    private const int Attempts = 30;
    private const int AloneAfter = 3;
    private const int SamplesPerType = 3;

    public delegate ValueTask<ItemChange?> Transform(Dictionary<string, AttributeValue> item, MigrationContext context, CancellationToken cancellationToken);

    /// <summary>Runs the pass from <paramref name="record"/>'s checkpoints; returns the items it changed in this process.</summary>
    public async Task<long> RunAsync(
        Migration migration, string phase, IReadOnlyList<string> itemTypes, Transform transform, MigrationRecord record, string owner, CancellationToken cancellationToken)
    {
        var context = new MigrationContext(dynamo, history.Table, DryRun: false, limiter);
        var counters = new Counters(await TableItemsAsync(cancellationToken));
        await Parallel.ForEachAsync(
            Enumerable.Range(0, record.Segments).Where(s => !record.SegmentsDone.Contains(s)),
            new ParallelOptions { MaxDegreeOfParallelism = record.Segments, CancellationToken = cancellationToken },
            async (segment, ct) =>
            {
                var start = record.Checkpoints.GetValueOrDefault(segment) is { Count: > 0 } key ? key : null;
                do
                {
                    var page = await ScanAsync(itemTypes, segment, record.Segments, start, ct);
                    var visited = new List<(Dictionary<string, AttributeValue> Item, ItemChange? Change)>();
                    foreach (var item in page.Items ?? [])
                    {
                        visited.Add((item, await transform(item, context, ct)));
                    }

                    start = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
                    foreach (var (batch, resumeAfter) in Batches(visited, start))
                    {
                        var changed = await CommitAsync(migration, owner, segment, batch, resumeAfter, transform, context, ct);
                        counters.Add(page.ScannedCount ?? 0, batch.Count, changed);
                        progress?.Report(counters.Progress(migration, phase));
                        page.ScannedCount = 0; // a page's scanned items are counted with its first batch
                    }
                }
                while (start is not null);
            });
        return counters.Changed;
    }

    /// <summary>The pass as a dry run: the same scan and the same transforms, nothing written.</summary>
    public async Task<MigrationPlan> PlanAsync(Migration migration, MigrationDirection direction, IReadOnlyList<string> itemTypes, Transform transform, int segments, CancellationToken cancellationToken)
    {
        var context = new MigrationContext(dynamo, history.Table, DryRun: true, limiter);
        var entries = new ConcurrentDictionary<string, (long Visited, long Changing, ConcurrentQueue<ItemChange> Samples)>();
        double writeUnits = 0;
        var gate = new Lock();
        await Parallel.ForEachAsync(Enumerable.Range(0, segments), new ParallelOptions { MaxDegreeOfParallelism = segments, CancellationToken = cancellationToken },
            async (segment, ct) =>
            {
                Dictionary<string, AttributeValue>? start = null;
                do
                {
                    var page = await ScanAsync(itemTypes, segment, segments, start, ct);
                    foreach (var item in page.Items ?? [])
                    {
                        var change = await transform(item, context, ct);
                        var type = item.GetValueOrDefault(TableLayout.ItemType)?.S ?? "(none)";
                        lock (gate)
                        {
                            var (visited, changing, samples) = entries.GetOrAdd(type, _ => (0, 0, new ConcurrentQueue<ItemChange>()));
                            if (change is not null && samples.Count < SamplesPerType)
                            {
                                samples.Enqueue(change);
                            }

                            entries[type] = (visited + 1, changing + (change is null ? 0 : 1), samples);
                            writeUnits += change is null ? 0 : WriteUnits(change);
                        }
                    }

                    start = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
                }
                while (start is not null);
            });
        return new MigrationPlan(
            migration.Version, migration.Name, direction,
            [.. entries.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => new PlanEntry(e.Key, e.Value.Visited, e.Value.Changing, [.. e.Value.Samples]))],
            limiter.ReadUnits, writeUnits);
    }

    /// <summary>
    /// A change's write units in a transaction: two a kilobyte (rounded up) of each item it writes, as it will be
    /// after the write (or, deleted or checked, as it was).
    /// </summary>
    internal static double WriteUnits(ItemChange change) => change.Writes.Sum(write =>
    {
        var key = write.Put?.Item is { } put ? ItemChange.KeyOf(put) : write.Update?.Key ?? write.Delete?.Key ?? write.ConditionCheck?.Key ?? [];
        var image = change.After.Concat(change.Before).FirstOrDefault(i => SameKey(i, key));
        var bytes = write.Put?.Item is { } written ? DynamoDbLimits.ItemSize(written) : image is null ? 1 : DynamoDbLimits.ItemSize(image);
        return 2 * Math.Max(1, Math.Ceiling(bytes / 1024.0));
    });

    /// <summary>
    /// A page's visited items in batches whose writes, with the checkpoint, fit one transaction; each batch resumes
    /// after its last item, and the page's last batch after the page (null: the segment is done).
    /// </summary>
    internal static IEnumerable<(List<(Dictionary<string, AttributeValue> Item, ItemChange? Change)> Batch, Dictionary<string, AttributeValue>? ResumeAfter)> Batches(
        List<(Dictionary<string, AttributeValue> Item, ItemChange? Change)> visited, Dictionary<string, AttributeValue>? pageEnd)
    {
        var batch = new List<(Dictionary<string, AttributeValue>, ItemChange?)>();
        var writes = 0;
        for (var i = 0; i < visited.Count; i++)
        {
            var size = visited[i].Change?.Writes.Count ?? 0;
            if (size + 1 > DynamoDbLimits.MaxTransactionItems)
            {
                throw new InvalidOperationException($"One item's change writes {size} items; with the checkpoint a transaction holds at most {DynamoDbLimits.MaxTransactionItems}.");
            }

            if (writes + size + 1 > DynamoDbLimits.MaxTransactionItems)
            {
                yield return (batch, ItemChange.KeyOf(batch[^1].Item1));
                batch = [];
                writes = 0;
            }

            batch.Add(visited[i]);
            writes += size;
        }

        yield return (batch, pageEnd);
    }

    /// <summary>
    /// Commits a batch's changes with the segment's checkpoint. A change whose guard refuses it is made again from its
    /// item read anew, and the batch tried again; a change refused <see cref="AloneAfter"/> times in a row (an item
    /// that commands or workers keep writing) is taken out and committed on its own, with its counts but without the
    /// checkpoint, until it goes through, so that one hot item cannot hold back its batch. Killed after that and
    /// before the batch, the run resumes at the batch's start: an item changed alone is then in the new shape (or
    /// moved away) and changes nothing again, though a re-key's item may be counted as visited twice.
    /// </summary>
    private async Task<long> CommitAsync(
        Migration migration, string owner, int segment, List<(Dictionary<string, AttributeValue> Item, ItemChange? Change)> batch,
        Dictionary<string, AttributeValue>? resumeAfter, Transform transform, MigrationContext context, CancellationToken cancellationToken)
    {
        var refusals = new int[batch.Count];
        long changedAlone = 0;
        for (var attempt = 1; ; attempt++)
        {
            var changes = batch.Select(b => b.Change).ToList();
            var writes = changes.SelectMany(c => c?.Writes ?? []).ToList();
            var changed = changes.Count(c => c is not null);
            writes.Add(history.Checkpoint(migration.Version, owner, segment, resumeAfter, batch.Count, changed));
            await limiter.WaitAsync(cancellationToken);
            try
            {
                var response = await dynamo.TransactWriteItemsAsync(new TransactWriteItemsRequest
                {
                    TransactItems = writes,
                    ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
                }, cancellationToken);
                // Two units a kilobyte of each item the transaction wrote, and two for the checkpoint.
                limiter.SpendWrite(response.ConsumedCapacity, atLeast: changes.Sum(c => c is null ? 0 : WriteUnits(c)) + 2);
                return changed + changedAlone;
            }
            catch (TransactionCanceledException cancelled) when (attempt < Attempts)
            {
                var reasons = cancelled.CancellationReasons ?? [];
                if (reasons.Count == writes.Count && reasons[^1].Code == "ConditionalCheckFailed")
                {
                    throw new MigrationLeaseLostException($"Another runner has taken over migration {migration}; this run stops.");
                }

                // Each refused change is made again from its item as it is now; a conflict with another transaction
                // is tried again after a pause.
                var at = 0;
                var hot = new List<int>();
                for (var i = 0; i < batch.Count; i++)
                {
                    var count = batch[i].Change?.Writes.Count ?? 0;
                    if (reasons.Skip(at).Take(count).Any(r => r.Code == "ConditionalCheckFailed"))
                    {
                        batch[i] = await ReadAgainAsync(batch[i].Item, transform, context, cancellationToken);
                        if (++refusals[i] >= AloneAfter)
                        {
                            hot.Add(i);
                        }
                    }

                    at += count;
                }

                foreach (var i in Enumerable.Reverse(hot))
                {
                    changedAlone += await CommitAloneAsync(migration, owner, batch[i], transform, context, cancellationToken);
                    batch.RemoveAt(i);
                    refusals = [.. refusals.Where((_, j) => j != i)];
                }

                if (reasons.Any(r => r.Code is "TransactionConflict" or "ThrottlingError"))
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 25 * (1 << attempt)) * (0.5 + Random.Shared.NextDouble())), cancellationToken);
                }
            }
        }
    }

    /// <summary>One item's change on its own, with its counts and no checkpoint, made again from a fresh read until it goes through.</summary>
    private async Task<long> CommitAloneAsync(
        Migration migration, string owner, (Dictionary<string, AttributeValue> Item, ItemChange? Change) visit, Transform transform, MigrationContext context,
        CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var changed = visit.Change is null ? 0 : 1;
            List<TransactWriteItem> writes = [.. visit.Change?.Writes ?? [], history.Tally(migration.Version, owner, 1, changed)];
            await limiter.WaitAsync(cancellationToken);
            try
            {
                var response = await dynamo.TransactWriteItemsAsync(new TransactWriteItemsRequest { TransactItems = writes, ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL }, cancellationToken);
                limiter.SpendWrite(response.ConsumedCapacity, atLeast: (visit.Change is null ? 0 : WriteUnits(visit.Change)) + 2);
                return changed;
            }
            catch (TransactionCanceledException cancelled) when (attempt < Attempts * 2)
            {
                if (cancelled.CancellationReasons is { Count: > 0 } reasons && reasons.Count == writes.Count && reasons[^1].Code == "ConditionalCheckFailed")
                {
                    throw new MigrationLeaseLostException($"Another runner has taken over migration {migration}; this run stops.");
                }

                visit = await ReadAgainAsync(visit.Item, transform, context, cancellationToken);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(500, 10 * attempt) * (0.5 + Random.Shared.NextDouble())), cancellationToken);
            }
        }
    }

    /// <summary>The visited item as it is now and its change from there (none when it is gone).</summary>
    private async Task<(Dictionary<string, AttributeValue> Item, ItemChange? Change)> ReadAgainAsync(
        Dictionary<string, AttributeValue> item, Transform transform, MigrationContext context, CancellationToken cancellationToken)
    {
        var now = await dynamo.GetItemAsync(new GetItemRequest
        {
            TableName = history.Table,
            Key = ItemChange.KeyOf(item),
            ConsistentRead = true,
            ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
        }, cancellationToken);
        limiter.SpendRead(now.ConsumedCapacity);
        return now.Item is { Count: > 0 } fresh ? (fresh, await transform(fresh, context, cancellationToken)) : (item, null);
    }

    private async Task<ScanResponse> ScanAsync(IReadOnlyList<string> itemTypes, int segment, int segments, Dictionary<string, AttributeValue>? start, CancellationToken cancellationToken)
    {
        await limiter.WaitAsync(cancellationToken);
        var page = await dynamo.ScanAsync(new ScanRequest
        {
            TableName = history.Table,
            Segment = segment,
            TotalSegments = segments,
            ExclusiveStartKey = start,
            Limit = PageSize,
            ConsistentRead = true,
            FilterExpression = $"{TableLayout.ItemType} IN ({string.Join(", ", itemTypes.Select((_, i) => $":t{i}"))})",
            ExpressionAttributeValues = itemTypes.Select((t, i) => (t, i)).ToDictionary(p => $":t{p.i}", p => new AttributeValue(p.t)),
            ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
        }, cancellationToken);
        limiter.SpendRead(page.ConsumedCapacity);
        return page;
    }

    private async Task<long?> TableItemsAsync(CancellationToken cancellationToken)
    {
        var table = await dynamo.DescribeTableAsync(history.Table, cancellationToken);
        return table.Table.ItemCount;
    }

    private static bool SameKey(Dictionary<string, AttributeValue> item, Dictionary<string, AttributeValue> key) =>
        key.Count > 0 && key.All(k => item.TryGetValue(k.Key, out var v) && v.S == k.Value.S);

    private sealed class Counters(long? tableItems)
    {
        private readonly System.Diagnostics.Stopwatch _watch = System.Diagnostics.Stopwatch.StartNew();
        private long _scanned;
        private long _visited;
        private long _changed;

        public long Changed => Interlocked.Read(ref _changed);

        public void Add(long scanned, long visited, long changed)
        {
            Interlocked.Add(ref _scanned, scanned);
            Interlocked.Add(ref _visited, visited);
            Interlocked.Add(ref _changed, changed);
        }

        public PassProgress Progress(Migration migration, string phase) =>
            new(migration.Version, migration.Name, phase, Interlocked.Read(ref _scanned), Interlocked.Read(ref _visited), Changed, tableItems, _watch.Elapsed);
    }
}
