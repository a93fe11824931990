using Microservices.Contracts;
using Microservices.Messaging;
using Microservices.Streams.Lambda;

namespace Microservices.Tests.Infrastructure;

/// <summary>Reads a table's real stream from DynamoDB Local, to hand its records to a handler the way Lambda would.</summary>
public static class StreamRecords
{
    public static DynamoDbStreamsClient Client(DynamoDbOptions tables) => new(new HttpClient(), new DynamoDbStreamsClientOptions
    {
        ServiceUrl = new Uri(tables.ServiceUrl!),
        Region = tables.Region,
        Credentials = new Amazon.Runtime.BasicAWSCredentials("local", "local"),
    });

    /// <summary>Every contract of the system, as the relay resolves them.</summary>
    public static IntegrationContracts Contracts { get; } = new(IntegrationEventTypes.All);

    /// <summary>
    /// The contracts the relay would publish for the table's stream, in stream order, with the id of each event: what
    /// the owning services recorded on their event items.
    /// </summary>
    public static async Task<List<(Guid EventId, object Contract)>> PublishedContractsAsync(DynamoDbOptions tables) =>
        [
            .. (await ReadAllAsync(tables))
                .Select(r => r.TryReadEvent(out var stored) ? (stored.EventId, Contract: Contracts.ContractOf(stored)) : default)
                .Where(c => c.Contract is not null)
                .Select(c => (c.EventId, c.Contract!)),
        ];

    /// <summary>Every record of every shard, oldest first, skipping the first <paramref name="skip"/>.</summary>
    public static async Task<List<DynamoDbStreamRecord>> ReadAllAsync(DynamoDbOptions tables, int skip = 0)
    {
        var streams = Client(tables);
        var cancellationToken = TestContext.Current.CancellationToken;
        var arn = (await streams.ListStreamsAsync(tables.TableName, cancellationToken: cancellationToken)).Streams.Single().StreamArn;
        var description = await streams.DescribeStreamAsync(arn, cancellationToken: cancellationToken);
        var records = new List<DynamoDbStreamRecord>();
        foreach (var shard in description.Shards)
        {
            var iterator = await streams.GetShardIteratorAsync(arn, shard.ShardId, ShardIteratorType.TrimHorizon, cancellationToken: cancellationToken);
            while (iterator is not null)
            {
                var page = await streams.GetRecordsAsync(iterator, 1000, cancellationToken);
                records.AddRange(page.Records.Select(r => r with { EventSourceArn = arn }));
                // An open shard keeps handing out iterators; an empty page means we have read everything so far.
                iterator = page.Records.Count == 0 ? null : page.NextShardIterator;
            }
        }

        return records.Skip(skip).ToList();
    }
}
