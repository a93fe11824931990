using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.DynamoDBv2.Model;
using Microservices.Streams.Lambda;

namespace Microservices.Tests.Lambda;

public sealed class DynamoDbEventJsonTests
{
    private static string Sample(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Samples", name));

    private static void AssertRoundTrips(string json)
    {
        var written = LambdaJson.Serialize(LambdaJson.Deserialize<DynamoDbEvent>(json));

        var expected = JsonNode.Parse(json);
        var actual = JsonNode.Parse(written);
        Assert.True(JsonNode.DeepEquals(expected, actual), $"Round trip changed the event:\n{written}");
    }

    [Fact]
    public void The_sample_event_deserialises_with_its_values()
    {
        var streamEvent = LambdaJson.Deserialize<DynamoDbEvent>(Sample("dynamodb-stream-event.json"));

        var record = Assert.Single(streamEvent.Records);
        Assert.Equal(StreamEventName.Insert, record.EventName);
        Assert.Equal("c4ca4238a0b923820dcc509a6f75849b", record.EventId);
        Assert.StartsWith("arn:aws:dynamodb:eu-north-1:", record.EventSourceArn, StringComparison.Ordinal);
        Assert.Equal("4421584500000000017450439091", record.Dynamodb.SequenceNumber);
        Assert.Equal(74, record.Dynamodb.SizeBytes);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1795518060), record.Dynamodb.ApproximateCreationDateTime);
        Assert.Equal("AUTHOR#01JD2X", record.Dynamodb.Keys!["PK"].S);
        Assert.Equal("Malin Persson", record.Dynamodb.NewImage!["Name"].S);
        Assert.Equal("1", record.Dynamodb.NewImage["Version"].N);
        Assert.Null(record.Dynamodb.OldImage);
        Assert.Null(record.UserIdentity);
    }

    [Theory]
    [InlineData("dynamodb-stream-event.json")]
    [InlineData("dynamodb-stream-event-modify-all-types.json")]
    [InlineData("dynamodb-stream-event-ttl-remove.json")]
    public void The_sample_event_round_trips_exactly(string sample) => AssertRoundTrips(Sample(sample));

    [Fact]
    public void A_modify_event_reads_every_attribute_type()
    {
        var record = Assert.Single(LambdaJson.Deserialize<DynamoDbEvent>(Sample("dynamodb-stream-event-modify-all-types.json")).Records);
        var image = record.Dynamodb.NewImage!;

        Assert.Equal(StreamEventName.Modify, record.EventName);
        Assert.Equal("1", record.Dynamodb.OldImage!["Version"].N);
        Assert.Equal("199.50", image["Price"].N);
        Assert.Equal(Convert.FromBase64String("iVBORw0KGgo="), image["Cover"].B.ToArray());
        Assert.Equal(["crime", "nordic"], image["Tags"].SS);
        Assert.Equal(["4", "4.5", "5"], image["Ratings"].NS);
        Assert.Equal([.. "Sunny"u8], image["Thumbnails"].BS[0].ToArray());
        Assert.True(image["InPrint"].BOOL);
        Assert.False(image["Discontinued"].BOOL);
        Assert.True(image["Subtitle"].NULL);
        Assert.Equal("Malin Persson", image["Author"].M["Name"].S);
        Assert.Equal("2016", image["Editions"].L[0].M["Year"].N);
        Assert.Equal("paperback", image["Editions"].L[1].S);
    }

    [Fact]
    public void Empty_maps_and_lists_stay_maps_and_lists()
    {
        var image = LambdaJson.Deserialize<DynamoDbEvent>(Sample("dynamodb-stream-event-modify-all-types.json"))
            .Records[0].Dynamodb.NewImage!;

        var awards = image["Author"].M["Awards"];
        var extra = image["Author"].M["Extra"];
        Assert.True(awards.IsLSet);
        Assert.Empty(awards.L);
        Assert.True(extra.IsMSet);
        Assert.Empty(extra.M);
        Assert.Equal("""{"L":[]}""", LambdaJson.Serialize(awards));
        Assert.Equal("""{"M":{}}""", LambdaJson.Serialize(extra));
    }

    [Fact]
    public void A_ttl_removal_carries_the_service_identity()
    {
        var record = Assert.Single(LambdaJson.Deserialize<DynamoDbEvent>(Sample("dynamodb-stream-event-ttl-remove.json")).Records);

        Assert.Equal(StreamEventName.Remove, record.EventName);
        Assert.Equal(new StreamUserIdentity { Type = "Service", PrincipalId = "dynamodb.amazonaws.com" }, record.UserIdentity);
        Assert.True(record.IsTtlDeletion);
        Assert.Null(record.Dynamodb.NewImage);
        Assert.Equal("1795604400", record.Dynamodb.OldImage!["ExpiresAt"].N);
    }

    [Fact]
    public void Attribute_values_built_with_the_sdk_serialise_in_dynamodb_json()
    {
        var item = new Dictionary<string, AttributeValue>
        {
            ["S"] = new() { S = "text" },
            ["N"] = new() { N = "42" },
            ["B"] = new() { B = new MemoryStream([1, 2, 3]) },
            ["Flag"] = new() { BOOL = false },
            ["Nothing"] = new() { NULL = true },
            ["List"] = new() { L = [new() { S = "a" }, new() { N = "1" }] },
        };

        Assert.Equal(
            """{"S":{"S":"text"},"N":{"N":"42"},"B":{"B":"AQID"},"Flag":{"BOOL":false},"Nothing":{"NULL":true},"List":{"L":[{"S":"a"},{"N":"1"}]}}""",
            LambdaJson.Serialize(item));
    }

    [Fact]
    public void An_attribute_value_without_a_type_is_rejected()
    {
        Assert.Throws<JsonException>(() => LambdaJson.Serialize(new AttributeValue()));
        Assert.Throws<JsonException>(() => LambdaJson.Deserialize<AttributeValue>("""{"X":"1"}"""));
    }

    [Fact]
    public void An_empty_object_from_dynamodb_local_reads_as_an_empty_map()
    {
        // DynamoDB Local 3.3's GetRecords writes {"M":{}} as {}, nested ones included.
        var value = LambdaJson.Deserialize<AttributeValue>("""{"L":[{},{"M":{"k":{}}}]}""");

        Assert.True(value.L[0].IsMSet);
        Assert.Empty(value.L[0].M);
        Assert.Empty(value.L[1].M["k"].M);
        Assert.Equal("""{"L":[{"M":{}},{"M":{"k":{"M":{}}}}]}""", LambdaJson.Serialize(value));
    }

    [Theory]
    [InlineData("1795518060", 1795518060_0000000L, "1795518060")]
    [InlineData("1795518060.25", 1795518060_2500000L, "1795518060.25")]
    [InlineData("1.79551806E9", 1795518060_0000000L, "1795518060")]
    public void Creation_time_reads_whole_fractional_and_exponent_seconds(string json, long ticksSinceEpoch, string written)
    {
        var record = LambdaJson.Deserialize<StreamRecord>($$"""{"ApproximateCreationDateTime":{{json}},"SequenceNumber":"1"}""");

        Assert.Equal(DateTimeOffset.UnixEpoch.AddTicks(ticksSinceEpoch), record.ApproximateCreationDateTime);
        Assert.Equal($$"""{"ApproximateCreationDateTime":{{written}},"SequenceNumber":"1"}""", LambdaJson.Serialize(record));
    }

    [Fact]
    public void A_partial_batch_response_serialises_as_lambda_documents_it()
    {
        var response = new StreamsEventResponse { BatchItemFailures = [new BatchItemFailure("123")] };

        Assert.Equal("""{"batchItemFailures":[{"itemIdentifier":"123"}]}""", LambdaJson.Serialize(response));
    }

    [Fact]
    public void A_successful_batch_reports_no_failures()
    {
        Assert.Equal("""{"batchItemFailures":[]}""", LambdaJson.Serialize(StreamsEventResponse.Success));
    }
}
