using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microservices.Schema;
using Microservices.SingleTable;
using Microsoft.Extensions.Options;

namespace Microservices.Benchmarks.Suite;

/// <summary>
/// A DynamoDB Local of its own for one benchmark (or one soak), warmed up before it is used. DynamoDB Local keeps
/// every stream record, of deleted tables too, for the life of its JVM, and a stream read on one table gets slower
/// with every record written to other tables' streams since (the <c>stream-cost</c> command measures it), all on the
/// server's one SQLite thread: a server shared by the whole suite got slower with every benchmark (after benchmarks
/// 1 to 3, a GetItem waited about a second behind the stream reads of benchmark 4).
/// </summary>
public static class FreshServer
{
    private const int WarmupItems = 2_000;

    /// <summary>Starts a server, sends it the warm-up, and hands it to <paramref name="run"/>; stopped afterwards.</summary>
    public static async Task RunAsync(Func<Uri, Task> run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        await using var local = await DynamoDbLocal.StartAsync(cancellationToken: cancellationToken);
        await WarmUpAsync(local.ServiceUrl, cancellationToken);
        await run(local.ServiceUrl);
    }

    /// <summary>
    /// DynamoDB Local is several times slower for its first few thousand requests: puts, gets, queries and two-item
    /// transactions on a scratch table of the system's layout (stream on), deleted afterwards.
    /// </summary>
    private static async Task WarmUpAsync(Uri serviceUrl, CancellationToken cancellationToken)
    {
        var tables = BenchSystem.TablesOn(serviceUrl, "warm-up");
        using var dynamo = DynamoDbServiceCollectionExtensions.CreateClient(tables);
        await new TableBootstrap(dynamo, Options.Create(tables)).EnsureTablesAsync(cancellationToken);
        var table = tables.TableName;
        await Parallel.ForEachAsync(Enumerable.Range(0, WarmupItems), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var pk = new AttributeValue($"WARM#{i % 50}");
            var sk = new AttributeValue($"ITEM#{i:D5}");
            await dynamo.PutItemAsync(new PutItemRequest
            {
                TableName = table,
                Item = new() { [Attributes.PK] = pk, [Attributes.SK] = sk, [Attributes.GSI1PK] = new($"WARMGSI#{i % 10}"), [Attributes.GSI1SK] = sk },
                ConditionExpression = "attribute_not_exists(PK)",
            }, ct);
            await dynamo.GetItemAsync(new GetItemRequest { TableName = table, Key = new() { [Attributes.PK] = pk, [Attributes.SK] = sk }, ConsistentRead = true }, ct);
            if (i % 4 == 0)
            {
                await dynamo.QueryAsync(new QueryRequest
                {
                    TableName = table,
                    KeyConditionExpression = "PK = :pk",
                    ExpressionAttributeValues = new() { [":pk"] = pk },
                    ConsistentRead = true,
                }, ct);
                await dynamo.TransactWriteItemsAsync(new TransactWriteItemsRequest
                {
                    TransactItems =
                    [
                        new() { Put = new() { TableName = table, Item = new() { [Attributes.PK] = new($"TX#{i}"), [Attributes.SK] = new("A") } } },
                        new() { Put = new() { TableName = table, Item = new() { [Attributes.PK] = new($"TX#{i}"), [Attributes.SK] = new("B") } } },
                    ],
                }, ct);
            }
        });
        await BenchSystem.DeleteTablesAsync(dynamo, tables);
    }
}
