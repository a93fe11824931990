using System.Globalization;
using System.IO.Compression;
using System.Text;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microservices.Streams.Lambda;

namespace Microservices.Streams;

/// <summary>Why a record went to the dead letters.</summary>
public static class DeadLetterReasons
{
    public const string RetriesExhausted = "RetriesExhausted";
    public const string RecordTooOld = "RecordTooOld";
}

/// <summary>A record the handler could not take within its retries, kept whole so it can be replayed.</summary>
public sealed record DeadLetter(
    string Consumer,
    string ShardId,
    DynamoDbStreamRecord Record,
    string Reason,
    string? Error,
    int Attempts,
    DateTimeOffset FailedAt)
{
    public string SequenceNumber => Record.Dynamodb.SequenceNumber;
}

/// <summary>
/// The on-failure destination: dead letters in the lease table, one item per record, keyed by shard and sequence
/// number so dead-lettering the same record twice stores it once. Unlike Lambda's destinations, which keep only a
/// pointer into a stream that forgets after 24 hours, the whole record (both images) is kept, gzipped.
/// </summary>
/// <param name="table">The lease table (<see cref="StreamConsumerOptions.LeaseTableName"/>).</param>
public sealed class DeadLetterStore(IAmazonDynamoDB dynamo, string table)
{
    private const string ShardId = "ShardId";
    private const string SequenceNumber = "SequenceNumber";
    private const string Record = "Record";
    private const string Reason = "Reason";
    private const string Error = "Error";
    private const string Attempts = "Attempts";
    private const string FailedAt = "FailedAt";

    // An error message is for people; a page of stack trace is not worth most of an item's 400 KB.
    private const int MaxErrorLength = 2000;

    private readonly string _table = table;

    public Task PutAsync(DeadLetter deadLetter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deadLetter);
        var item = Key(deadLetter.Consumer, deadLetter.ShardId, deadLetter.SequenceNumber);
        item[ShardId] = new(deadLetter.ShardId);
        item[SequenceNumber] = new(deadLetter.SequenceNumber);
        item[Record] = new() { B = Compress(LambdaJson.Serialize(deadLetter.Record)) };
        item[Reason] = new(deadLetter.Reason);
        item[Attempts] = new() { N = deadLetter.Attempts.ToString(CultureInfo.InvariantCulture) };
        item[FailedAt] = new(deadLetter.FailedAt.ToString("O", CultureInfo.InvariantCulture));
        if (!string.IsNullOrEmpty(deadLetter.Error))
        {
            item[Error] = new(deadLetter.Error.Length > MaxErrorLength ? deadLetter.Error[..MaxErrorLength] : deadLetter.Error);
        }

        return dynamo.PutItemAsync(new PutItemRequest { TableName = _table, Item = item }, cancellationToken);
    }

    /// <summary>A consumer's dead letters, each shard's in stream order.</summary>
    public async IAsyncEnumerable<DeadLetter> ListAsync(
        string consumer, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var item in LeaseTable.QueryPartitionAsync(dynamo, _table, LeaseTable.DeadLetterPartition(consumer), cancellationToken))
        {
            yield return new DeadLetter(
                consumer,
                item[ShardId].S,
                LambdaJson.Deserialize<DynamoDbStreamRecord>(Decompress(item[Record].B)),
                item[Reason].S,
                item.TryGetValue(Error, out var error) ? error.S : null,
                int.Parse(item[Attempts].N, CultureInfo.InvariantCulture),
                DateTimeOffset.Parse(item[FailedAt].S, CultureInfo.InvariantCulture));
        }
    }

    public Task DeleteAsync(DeadLetter deadLetter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deadLetter);
        return dynamo.DeleteItemAsync(new DeleteItemRequest
        {
            TableName = _table,
            Key = Key(deadLetter.Consumer, deadLetter.ShardId, deadLetter.SequenceNumber),
        }, cancellationToken);
    }

    private static Dictionary<string, AttributeValue> Key(string consumer, string shardId, string sequenceNumber) =>
        LeaseTable.Key(LeaseTable.DeadLetterPartition(consumer), LeaseTable.DeadLetter(shardId, sequenceNumber));

    private static MemoryStream Compress(string json)
    {
        var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(json));
        }

        compressed.Position = 0;
        return compressed;
    }

    private static string Decompress(MemoryStream compressed)
    {
        compressed.Position = 0;
        using var gzip = new GZipStream(compressed, CompressionMode.Decompress, leaveOpen: true);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
