using System.Diagnostics;
using Amazon.DynamoDBv2.Model;
using Microservices.Benchmarks.Harness;
using Microservices.Schema;
using Microservices.SingleTable;

namespace Microservices.Benchmarks.Suite;

/// <summary>
/// Benchmark 8: what each command kind costs in capacity units, as DynamoDB answers them (ReturnConsumedCapacity on
/// every request of the running system): the command's own reads and its TransactWriteItems, then, once the relay and
/// every consumer (Catalog and Orders) are quiet again, what the workers read and wrote for it (copies, aggregates,
/// their idempotency records) and the checkpoints the relay wrote to the lease table. The units a month of load
/// costs (docs/deploy.md) come from here.
/// </summary>
public sealed class CommandCapacity(BenchSystem system, CommandOverhead overhead, SuiteSettings settings, CancellationToken cancellationToken)
{
    /// <summary>How long the lease table is watched at rest, for the share of each command's window that is renewals.</summary>
    private static readonly TimeSpan RestWindow = TimeSpan.FromSeconds(20);

    public async Task MeasureAsync(SuiteResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        await system.StartWorkerAsync(cancellationToken, orders: true);
        var (apis, workers) = system.AttachCapacity();
        CapacityLog.Asking = true;
        try
        {
            await MeasureAsync(results, apis, workers);
        }
        finally
        {
            CapacityLog.Asking = false;
        }

        // The order aggregates are recomputed from every order of the client and every sale of the book: what they read grows with those.
        results.CapacityOrderHistory = (
            await CountAsync(Keys.ClientPartition(overhead.Data.BuyerId), Keys.OrdersPrefix),
            await CountAsync(Keys.BookSalesPartition(overhead.Data.BookId), Keys.BookSalePrefix));
    }

    private async Task MeasureAsync(SuiteResults results, CapacityLog apis, CapacityLog workers)
    {
        var table = system.Tables.TableName;
        var leases = system.Tables.LeaseTableName;

        // The lease table at rest: renewals only, to take out of each command's window below.
        await system.WorkersQuietAsync(settings.SettleTimeout, cancellationToken);
        workers.Take();
        var rest = Stopwatch.StartNew();
        await Task.Delay(RestWindow, cancellationToken);
        var restLeaseUnits = Sum(workers.Take(), leases, Part.Both);
        results.LeaseUnitsPerSecondAtRest = (restLeaseUnits.Read + restLeaseUnits.Write) / rest.Elapsed.TotalSeconds;

        foreach (var c in overhead.Commands())
        {
            var total = new CapacityRow(c.Name, 0, 0, 0, 0, 0, 0, 0, 0);
            for (var i = 0; i < settings.CapacitySamples; i++)
            {
                await c.Setup();
                await system.WorkersQuietAsync(settings.SettleTimeout, cancellationToken);
                apis.Take();
                workers.Take();
                var window = Stopwatch.StartNew();
                await c.Run();
                var command = apis.Take();
                await system.WorkersQuietAsync(settings.SettleTimeout, cancellationToken);
                var worker = workers.Take();
                var lease = Sum(worker, leases, Part.Both);
                total = total.Plus(new CapacityRow(
                    c.Name,
                    1,
                    Sum(command, table, Part.Both).Read,
                    Sum(command, table, Part.Table).Write,
                    Sum(command, table, Part.Indexes).Write,
                    Sum(worker, table, Part.Both).Read,
                    Sum(worker, table, Part.Table).Write,
                    Sum(worker, table, Part.Indexes).Write,
                    Math.Max(0, lease.Read + lease.Write - (results.LeaseUnitsPerSecondAtRest.Value * window.Elapsed.TotalSeconds))));
            }

            system.ApiRequests.Take();
            var row = total.Mean();
            results.Capacity.Add(row);
            Console.WriteLine($"  {row.Command}: {row.CommandReadUnits:0.#} read, {row.CommandWriteUnits + row.CommandIndexWriteUnits:0.#} write units; workers {row.WorkerReadUnits:0.#} read, {row.WorkerWriteUnits + row.WorkerIndexWriteUnits:0.#} write; checkpoints {row.CheckpointUnits:0.#}");
        }
    }

    /// <summary>The items a Query finds, counted page by page (uncounted: the log is not asking by then).</summary>
    private async Task<int> CountAsync(string partition, string sortKeyPrefix)
    {
        var count = 0;
        await foreach (var page in system.Raw.QueryPagesAsync(new QueryRequest
        {
            TableName = system.Tables.TableName,
            KeyConditionExpression = "PK = :pk AND begins_with(SK, :sk)",
            ExpressionAttributeValues = new() { [":pk"] = new(partition), [":sk"] = new(sortKeyPrefix) },
            Select = Amazon.DynamoDBv2.Select.COUNT,
        }, cancellationToken))
        {
            count += page.Count ?? 0;
        }

        return count;
    }

    private enum Part
    {
        Table,
        Indexes,
        Both,
    }

    /// <summary>The units on <paramref name="table"/> itself, on its indexes (<c>table/index</c>), or on both.</summary>
    private static CapacityLog.Units Sum(IReadOnlyDictionary<string, CapacityLog.Units> units, string table, Part part) =>
        units.Where(p => part switch
            {
                Part.Table => p.Key == table,
                Part.Indexes => p.Key.StartsWith(table + "/", StringComparison.Ordinal),
                _ => p.Key == table || p.Key.StartsWith(table + "/", StringComparison.Ordinal),
            })
            .Aggregate(default(CapacityLog.Units), (sum, p) => sum + p.Value);
}
