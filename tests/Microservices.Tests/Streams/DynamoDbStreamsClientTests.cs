using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Microservices.Streams.Lambda;


namespace Microservices.Tests.Streams;

/// <summary>The Streams client against a real DynamoDB Local.</summary>
public sealed class DynamoDbStreamsClientTests(DynamoDbLocalFixture local)
{
    // Unique so the test still holds once DynamoDB Local is shared by the whole run.
    private static readonly string Table = $"streams-client-{Guid.NewGuid():N}";

    private readonly DynamoDbStreamsClient _streams = new(
        new HttpClient(),
        new DynamoDbStreamsClientOptions
        {
            ServiceUrl = local.ServiceUrl,
            Region = "us-east-1",
            Credentials = new BasicAWSCredentials("local", "local"),
        });

    [Fact]
    public async Task Inserted_items_come_back_as_insert_records_from_the_start_of_the_shard()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var dynamo = DynamoDbLocalFixture.CreateClient(local.NewTables("streams"));
        await dynamo.CreateTableAsync(
            new CreateTableRequest
            {
                TableName = Table,
                AttributeDefinitions = [new("PK", ScalarAttributeType.S), new("SK", ScalarAttributeType.S)],
                KeySchema = [new("PK", KeyType.HASH), new("SK", KeyType.RANGE)],
                BillingMode = BillingMode.PAY_PER_REQUEST,
                StreamSpecification = new StreamSpecification { StreamEnabled = true, StreamViewType = StreamViewType.NEW_AND_OLD_IMAGES },
            },
            cancellationToken);
        string[] ids = ["1", "2", "3"];
        foreach (var id in ids)
        {
            await dynamo.PutItemAsync(
                new PutItemRequest
                {
                    TableName = Table,
                    Item = new Dictionary<string, AttributeValue>
                    {
                        ["PK"] = new() { S = $"AUTHOR#{id}" },
                        ["SK"] = new() { S = $"AUTHOR#{id}" },
                        ["Name"] = new() { S = $"Author {id}" },
                        ["Version"] = new() { N = "1" },
                        ["Tags"] = new() { M = [] },
                    },
                },
                cancellationToken);
        }

        var listed = await _streams.ListStreamsAsync(Table, cancellationToken: cancellationToken);
        var stream = Assert.Single(listed.Streams);
        Assert.Equal(Table, stream.TableName);

        var description = await _streams.DescribeStreamAsync(stream.StreamArn, cancellationToken: cancellationToken);
        Assert.Equal("ENABLED", description.StreamStatus);
        Assert.Equal("NEW_AND_OLD_IMAGES", description.StreamViewType);
        Assert.Equal(["PK", "SK"], description.KeySchema.Select(k => k.AttributeName));
        var shard = Assert.Single(description.Shards);

        var iterator = await _streams.GetShardIteratorAsync(
            stream.StreamArn, shard.ShardId, ShardIteratorType.TrimHorizon, cancellationToken: cancellationToken);
        var records = await ReadUntilAsync(iterator, count: 3, cancellationToken);

        Assert.All(records, r => Assert.Equal(StreamEventName.Insert, r.EventName));
        Assert.Equal(ids.Select(id => $"AUTHOR#{id}"), records.Select(r => r.Dynamodb.Keys!["PK"].S));
        Assert.Equal(ids.Select(id => $"AUTHOR#{id}"), records.Select(r => r.Dynamodb.Keys!["SK"].S));
        Assert.Equal(ids.Select(id => $"Author {id}"), records.Select(r => r.Dynamodb.NewImage!["Name"].S));
        Assert.All(records, r => Assert.Equal("1", r.Dynamodb.NewImage!["Version"].N));
        Assert.All(records, r => Assert.Empty(r.Dynamodb.NewImage!["Tags"].M));
        Assert.All(records, r => Assert.Null(r.Dynamodb.OldImage));
        Assert.All(records, r => Assert.NotNull(r.Dynamodb.ApproximateCreationDateTime));
    }

    [Fact]
    public async Task A_malformed_iterator_is_a_typed_validation_error()
    {
        var error = await Assert.ThrowsAsync<DynamoDbStreamsException>(
            () => _streams.GetRecordsAsync("not-an-iterator", cancellationToken: TestContext.Current.CancellationToken));

        // DynamoDB Local answers 400 {"__type":"com.amazon.coral.validate#ValidationException","Message":"Invalid ShardIterator"}.
        Assert.Equal("ValidationException", error.ErrorType);
        Assert.Equal("Invalid ShardIterator", error.ServiceMessage);
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
    }

    [Fact]
    public async Task An_unknown_stream_is_a_resource_not_found_error()
    {
        var error = await Assert.ThrowsAsync<StreamResourceNotFoundException>(
            () => _streams.DescribeStreamAsync(
                "arn:aws:dynamodb:ddblocal:000000000000:table/missing/stream/2026-01-01T00:00:00.000",
                cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal("ResourceNotFoundException", error.ErrorType);
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
    }

    /// <summary>Follows the shard until enough records arrived; records may be spread over several pages.</summary>
    private async Task<List<DynamoDbStreamRecord>> ReadUntilAsync(string iterator, int count, CancellationToken cancellationToken)
    {
        var records = new List<DynamoDbStreamRecord>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        string? next = iterator;
        while (records.Count < count && next is not null && DateTime.UtcNow < deadline)
        {
            var page = await _streams.GetRecordsAsync(next, cancellationToken: cancellationToken);
            records.AddRange(page.Records);
            next = page.NextShardIterator;
            if (page.Records.Count == 0)
            {
                await Task.Delay(100, cancellationToken);
            }
        }

        Assert.Equal(count, records.Count);
        return records;
    }
}
