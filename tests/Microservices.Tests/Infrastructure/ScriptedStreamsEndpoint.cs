using System.Globalization;
using Microservices.Streams.Lambda;

namespace Microservices.Tests.Infrastructure;

/// <summary>
/// A SCRIPTED Streams endpoint, for the shard situations DynamoDB Local cannot produce: several shards, splits,
/// trimmed data and expired iterators. It answers the four Streams calls from shards the test builds and changes,
/// raising the same typed errors the real client raises. Leases, checkpoints and dead letters still go to
/// DynamoDB Local; only the stream is scripted.
/// </summary>
public sealed class ScriptedStreamsEndpoint(string tableName) : IDynamoDbStreams
{
    public string StreamArn { get; } = $"arn:aws:dynamodb:ddblocal:000000000000:table/{tableName}/stream/2026-11-24T00:00:00.000";

    private readonly Lock _gate = new();
    private readonly List<ScriptedShard> _shards = [];
    private readonly Dictionary<string, (string ShardId, int Index)> _iterators = new(StringComparer.Ordinal);
    private long _nextSequence = 100_000_000_000_000_000;
    private int _iteratorsToExpire;
    private (string ShardId, int Records)? _trimOnFirstRead;

    private sealed class ScriptedShard(string shardId, string? parentShardId)
    {
        public string ShardId { get; } = shardId;

        public string? ParentShardId { get; } = parentShardId;

        public List<DynamoDbStreamRecord> Records { get; } = [];

        public bool Closed { get; set; }

        /// <summary>Records before this index have been trimmed away.</summary>
        public int TrimmedBefore { get; set; }
    }

    public int GetRecordsCalls { get; private set; }

    public void AddShard(string shardId, string? parentShardId = null)
    {
        lock (_gate)
        {
            _shards.Add(new ScriptedShard(shardId, parentShardId));
        }
    }

    /// <summary>Appends a record of an item with key <paramref name="pk"/> to an open shard, and returns its sequence number.</summary>
    public string Append(string shardId, string pk, string itemType = "Thing")
    {
        lock (_gate)
        {
            var shard = Find(shardId);
            if (shard.Closed)
            {
                throw new InvalidOperationException($"Shard {shardId} is closed.");
            }

            var sequence = (_nextSequence++).ToString(CultureInfo.InvariantCulture);
            Dictionary<string, AttributeValue> keys = new() { [Attributes.PK] = new(pk), [Attributes.SK] = new("ITEM") };
            shard.Records.Add(new DynamoDbStreamRecord
            {
                EventId = Guid.NewGuid().ToString("N"),
                EventName = StreamEventName.Insert,
                EventVersion = "1.1",
                EventSource = "aws:dynamodb",
                AwsRegion = "ddblocal",
                Dynamodb = new StreamRecord
                {
                    ApproximateCreationDateTime = DateTimeOffset.UtcNow,
                    Keys = keys,
                    NewImage = new(keys) { [Attributes.ItemType] = new(itemType) },
                    SequenceNumber = sequence,
                    SizeBytes = 40,
                    StreamViewType = "NEW_AND_OLD_IMAGES",
                },
            });
            return sequence;
        }
    }

    /// <summary>Closes a shard and opens two children, as DynamoDB does when a partition splits.</summary>
    public (string Left, string Right) Split(string shardId)
    {
        lock (_gate)
        {
            Find(shardId).Closed = true;
            var children = (shardId + "-a", shardId + "-b");
            _shards.Add(new ScriptedShard(children.Item1, shardId));
            _shards.Add(new ScriptedShard(children.Item2, shardId));
            return children;
        }
    }

    /// <summary>Drops a shard's oldest records, as the 24-hour retention does.</summary>
    public void Trim(string shardId, int records)
    {
        lock (_gate)
        {
            Find(shardId).TrimmedBefore = records;
        }
    }

    /// <summary>
    /// Trims <paramref name="records"/> of a shard just before the first GetRecords call: the oldest record moves
    /// between a reader's first iterator and its first read, as a fresh DynamoDB Local shard answers.
    /// </summary>
    public void TrimOnFirstRead(string shardId, int records)
    {
        lock (_gate)
        {
            _trimOnFirstRead = (shardId, records);
        }
    }

    /// <summary>The next <paramref name="count"/> GetRecords calls fail with ExpiredIteratorException.</summary>
    public void ExpireNextIterators(int count)
    {
        lock (_gate)
        {
            _iteratorsToExpire = count;
        }
    }

    public Task<ListStreamsResult> ListStreamsAsync(
        string? tableName, string? exclusiveStartStreamArn = null, int? limit = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(new ListStreamsResult { Streams = [new StreamSummary(StreamArn, tableName ?? "", "2026-11-24T00:00:00.000")] });

    public Task<StreamDescription> DescribeStreamAsync(
        string streamArn, string? exclusiveStartShardId = null, int? limit = null, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(new StreamDescription
            {
                StreamArn = StreamArn,
                StreamStatus = "ENABLED",
                Shards = _shards.Select(s => new Shard(
                    s.ShardId,
                    new SequenceNumberRange(
                        s.Records.FirstOrDefault()?.Dynamodb.SequenceNumber ?? "0",
                        s.Closed ? s.Records.LastOrDefault()?.Dynamodb.SequenceNumber ?? "0" : null),
                    s.ParentShardId)).ToList(),
            });
        }
    }

    public Task<string> GetShardIteratorAsync(
        string streamArn, string shardId, ShardIteratorType iteratorType, string? sequenceNumber = null, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var shard = Find(shardId);
            var index = iteratorType switch
            {
                ShardIteratorType.TrimHorizon => shard.TrimmedBefore,
                ShardIteratorType.Latest => shard.Records.Count,
                ShardIteratorType.AfterSequenceNumber => IndexAfter(shard, sequenceNumber!),
                _ => throw new NotSupportedException(iteratorType.ToString()),
            };
            var iterator = Guid.NewGuid().ToString("N");
            _iterators[iterator] = (shardId, index);
            return Task.FromResult(iterator);
        }
    }

    public Task<GetRecordsResult> GetRecordsAsync(string shardIterator, int? limit = null, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            GetRecordsCalls++;
            if (_trimOnFirstRead is { } trim)
            {
                _trimOnFirstRead = null;
                Find(trim.ShardId).TrimmedBefore = trim.Records;
            }

            if (_iteratorsToExpire > 0)
            {
                _iteratorsToExpire--;
                throw new ExpiredIteratorException("ExpiredIteratorException", "Iterator expired (scripted)", HttpStatusCode.BadRequest);
            }

            var (shardId, index) = _iterators[shardIterator];
            var shard = Find(shardId);
            if (index < shard.TrimmedBefore)
            {
                throw new TrimmedDataAccessException("TrimmedDataAccessException", "Data trimmed (scripted)", HttpStatusCode.BadRequest);
            }

            var records = shard.Records.Skip(index).Take(limit ?? 1000).ToList();
            var next = index + records.Count;
            string? nextIterator = null;
            if (!shard.Closed || next < shard.Records.Count)
            {
                nextIterator = Guid.NewGuid().ToString("N");
                _iterators[nextIterator] = (shardId, next);
            }

            return Task.FromResult(new GetRecordsResult { Records = records, NextShardIterator = nextIterator });
        }
    }

    private static int IndexAfter(ScriptedShard shard, string sequenceNumber)
    {
        var index = shard.Records.FindIndex(r => SequenceNumbers.Compare(r.Dynamodb.SequenceNumber, sequenceNumber) > 0);
        index = index < 0 ? shard.Records.Count : index;
        if (index < shard.TrimmedBefore)
        {
            throw new TrimmedDataAccessException("TrimmedDataAccessException", "Sequence number trimmed (scripted)", HttpStatusCode.BadRequest);
        }

        return index;
    }

    private ScriptedShard Find(string shardId) =>
        _shards.SingleOrDefault(s => s.ShardId == shardId)
        ?? throw new StreamResourceNotFoundException("ResourceNotFoundException", $"No shard {shardId} (scripted)", HttpStatusCode.BadRequest);
}
