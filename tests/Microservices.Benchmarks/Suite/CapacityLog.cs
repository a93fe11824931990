using System.Collections.Concurrent;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Microservices.Benchmarks.Harness;
using Microservices.Schema;
using Microservices.SingleTable;

namespace Microservices.Benchmarks.Suite;

/// <summary>
/// The read and write units a host's DynamoDB clients consumed, added up by table and by index. While
/// <see cref="Asking"/>, a step in the SDK's pipeline of every DynamoDB client of this process (<see cref="Register"/>)
/// asks each single-item request and Query for <c>ReturnConsumedCapacity = INDEXES</c> and takes DynamoDB's answer.
/// For the requests of many items it counts the units itself, by DynamoDB's documented rules, from the items' sizes
/// (<see cref="DynamoDbLimits.ItemSize"/>): DynamoDB Local adds up the distinct per-item figures of a transaction, not
/// every item's (two 1 KB puts in one TransactWriteItems answer 2 units, not 4; a 1 KB and a 2 KB put answer 6), so
/// its totals for them are not the bill. Counted from the real requests of the running system, so a worker's retries
/// and a command's extra reads are in the figures.
/// </summary>
public sealed class CapacityLog
{
    private const double ReadUnitBytes = 4096;

    /// <summary>The log of each client attached, by its configuration (the pipeline knows a request's client by it).</summary>
    private static readonly ConcurrentDictionary<IClientConfig, CapacityLog> Logs = new();

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Units> _byPlace = new(StringComparer.Ordinal);

    /// <summary>Read and write units on one table or index.</summary>
    public readonly record struct Units(double Read, double Write)
    {
        public static Units operator +(Units a, Units b) => new(a.Read + b.Read, a.Write + b.Write);
    }

    /// <summary>Whether requests are counted now; off, they go as the system sends them.</summary>
    public static bool Asking { get; set; }

    /// <summary>Puts the counting step into every DynamoDB client made after this call: once, before the benchmarks make theirs.</summary>
    public static void Register() => RuntimePipelineCustomizerRegistry.Instance.Register(new CountingStep());

    /// <summary>Counts what <paramref name="client"/> consumes into this log (a client counts into one log).</summary>
    public CapacityLog AttachTo(IAmazonDynamoDB client)
    {
        Logs[((AmazonServiceClient)client).Config] = this;
        return this;
    }

    /// <summary>The units by place (a table's name, or <c>table/index</c>) since the last take; the log starts again at zero.</summary>
    public IReadOnlyDictionary<string, Units> Take()
    {
        lock (_gate)
        {
            var taken = new Dictionary<string, Units>(_byPlace, StringComparer.Ordinal);
            _byPlace.Clear();
            return taken;
        }
    }

    private void Add(string place, Units units)
    {
        lock (_gate)
        {
            _byPlace[place] = _byPlace.GetValueOrDefault(place) + units;
        }
    }

    /// <summary>
    /// The pipeline step, before the request is marshalled. A TransactWriteItems or BatchWriteItem has its items read
    /// before and after it (by a client of the step's own, not counted), each costing what <see cref="WriteUnits"/>
    /// says. A BatchGetItem costs each item in 4 KB units, a strongly consistent read as 1, else 0.5.
    /// </summary>
    private sealed class CountingStep : PipelineHandler, IRuntimePipelineCustomizer
    {
        private static readonly ConcurrentDictionary<string, IReadOnlyList<(string Index, string[] Keys)>> Indexes = new(StringComparer.Ordinal);

        /// <summary>A client of the step's own by endpoint: attached to no log, so its reads are not counted.</summary>
        private static readonly ConcurrentDictionary<string, IAmazonDynamoDB> Readers = new(StringComparer.Ordinal);

        public string UniqueName => nameof(CapacityLog);

        public void Customize(Type type, RuntimePipeline pipeline)
        {
            ArgumentNullException.ThrowIfNull(pipeline);
            if (typeof(IAmazonDynamoDB).IsAssignableFrom(type))
            {
                pipeline.AddHandlerBefore<Marshaller>(new CountingStep());
            }
        }

        public override async Task<T> InvokeAsync<T>(IExecutionContext executionContext)
        {
            ArgumentNullException.ThrowIfNull(executionContext);
            var config = executionContext.RequestContext.ClientConfig;
            if (!Asking || !Logs.TryGetValue(config, out var log))
            {
                return await base.InvokeAsync<T>(executionContext);
            }

            var request = executionContext.RequestContext.OriginalRequest;
            AskForCapacity(request);
            var writes = Writes(request);
            if (writes is null)
            {
                var answer = await base.InvokeAsync<T>(executionContext);
                if (request is BatchGetItemRequest batchGet && answer is BatchGetItemResponse got)
                {
                    CountBatchGet(log, batchGet, got);
                }
                else
                {
                    CountAnswer(log, answer, request);
                }

                return answer;
            }

            var reader = Readers.GetOrAdd(config.ServiceURL, IAmazonDynamoDB (url) => new AmazonDynamoDBClient(new BasicAWSCredentials("local", "local"), new AmazonDynamoDBConfig { ServiceURL = url }));
            var before = await ImagesAsync(reader, writes.Value.Keys);
            var response = await base.InvokeAsync<T>(executionContext);
            var after = await ImagesAsync(reader, writes.Value.Keys);
            for (var i = 0; i < writes.Value.Keys.Count; i++)
            {
                var (table, _, write) = writes.Value.Keys[i];
                var (units, indexes) = WriteUnits.Of(before[i], after[i], await IndexesAsync(reader, table), writes.Value.Transactional, conditionCheck: !write);
                log.Add(table, new Units(0, units));
                foreach (var (index, indexUnits) in indexes)
                {
                    log.Add($"{table}/{index}", new Units(0, indexUnits));
                }
            }

            return response;
        }

        /// <summary>The items a request of many writes touches (table, key, whether it writes), or null for any other request.</summary>
        private static (List<(string Table, Dictionary<string, AttributeValue> Key, bool Write)> Keys, bool Transactional)? Writes(AmazonWebServiceRequest request)
        {
            if (request is TransactWriteItemsRequest transaction)
            {
                return ([.. transaction.TransactItems.Select(i =>
                    i.Put is { } put ? (put.TableName, KeyOf(put.Item), true)
                    : i.Update is { } update ? (update.TableName, update.Key, true)
                    : i.Delete is { } delete ? (delete.TableName, delete.Key, true)
                    : (i.ConditionCheck.TableName, i.ConditionCheck.Key, false))], true);
            }

            if (request is BatchWriteItemRequest batch)
            {
                return ([.. batch.RequestItems.SelectMany(p => p.Value.Select(w =>
                    (p.Key, w.PutRequest is { } put ? KeyOf(put.Item) : w.DeleteRequest.Key, true)))], false);
            }

            return null;
        }

        private static Dictionary<string, AttributeValue> KeyOf(Dictionary<string, AttributeValue> item) =>
            new() { [Attributes.PK] = item[Attributes.PK], [Attributes.SK] = item[Attributes.SK] };

        private static async Task<Dictionary<string, AttributeValue>?[]> ImagesAsync(IAmazonDynamoDB reader, List<(string Table, Dictionary<string, AttributeValue> Key, bool Write)> keys)
        {
            var images = new Dictionary<string, AttributeValue>?[keys.Count];
            for (var i = 0; i < keys.Count; i++)
            {
                var got = await reader.GetItemAsync(new GetItemRequest { TableName = keys[i].Table, Key = keys[i].Key, ConsistentRead = true });
                images[i] = got.IsItemSet && got.Item.Count > 0 ? got.Item : null;
            }

            return images;
        }

        /// <summary>Each index of the table with every key attribute an item needs to be in it (all our indexes project ALL).</summary>
        private static async Task<IReadOnlyList<(string Index, string[] Keys)>> IndexesAsync(IAmazonDynamoDB reader, string table)
        {
            if (Indexes.TryGetValue(table, out var known))
            {
                return known;
            }

            var described = await reader.DescribeTableAsync(table);
            var indexes = (described.Table.GlobalSecondaryIndexes ?? [])
                .Select(i => (i.IndexName, i.KeySchema.Select(k => k.AttributeName).ToArray()))
                .ToList();
            return Indexes[table] = indexes;
        }

        private static void CountBatchGet(CapacityLog log, BatchGetItemRequest request, BatchGetItemResponse response)
        {
            foreach (var (table, keys) in request.RequestItems)
            {
                var factor = keys.ConsistentRead == true ? 1 : 0.5;
                var found = response.Responses?.GetValueOrDefault(table) ?? [];
                var units = found.Sum(item => Math.Ceiling(DynamoDbLimits.ItemSize(item) / ReadUnitBytes))
                    + (keys.Keys.Count - found.Count); // a key not found costs the least a read costs
                log.Add(table, new Units(factor * units, 0));
            }
        }

        private static void CountAnswer(CapacityLog log, AmazonWebServiceResponse response, AmazonWebServiceRequest request)
        {
            var consumed = response switch
            {
                GetItemResponse r => r.ConsumedCapacity,
                QueryResponse r => r.ConsumedCapacity,
                ScanResponse r => r.ConsumedCapacity,
                PutItemResponse r => r.ConsumedCapacity,
                UpdateItemResponse r => r.ConsumedCapacity,
                DeleteItemResponse r => r.ConsumedCapacity,
                _ => null,
            };
            if (consumed is null)
            {
                return;
            }

            var reads = request is GetItemRequest or QueryRequest or ScanRequest;
            // The table's own share when DynamoDB splits it by index; the whole figure when it does not.
            Add(consumed.TableName, consumed.Table?.CapacityUnits ?? consumed.CapacityUnits ?? 0);
            foreach (var (index, units) in consumed.GlobalSecondaryIndexes ?? [])
            {
                Add($"{consumed.TableName}/{index}", units.CapacityUnits ?? 0);
            }

            void Add(string place, double units) => log.Add(place, reads ? new Units(units, 0) : new Units(0, units));
        }

        private static void AskForCapacity(AmazonWebServiceRequest request)
        {
            var indexes = ReturnConsumedCapacity.INDEXES;
            switch (request)
            {
                case GetItemRequest r: r.ReturnConsumedCapacity = indexes; break;
                case QueryRequest r: r.ReturnConsumedCapacity = indexes; break;
                case ScanRequest r: r.ReturnConsumedCapacity = indexes; break;
                case PutItemRequest r: r.ReturnConsumedCapacity = indexes; break;
                case UpdateItemRequest r: r.ReturnConsumedCapacity = indexes; break;
                case DeleteItemRequest r: r.ReturnConsumedCapacity = indexes; break;
            }
        }
    }
}
