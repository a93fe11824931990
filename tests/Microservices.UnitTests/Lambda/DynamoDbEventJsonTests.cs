using System.Text.Json;
using System.Text.Json.Nodes;
using Microservices.Streams.Lambda;

namespace Microservices.UnitTests.Lambda;

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

    // The shapes of Amazon.Lambda.DynamoDBEvents' own test fixtures (aws/aws-lambda-dotnet,
    // Libraries/test/EventsTests.Shared/dynamodb-*.json), written again here with values of our own.

    [Fact]
    public void An_event_whose_creation_time_is_in_milliseconds_reads_as_that_instant()
    {
        var records = LambdaJson.Deserialize<DynamoDbEvent>(Sample("lambda-event-creation-time-in-milliseconds.json")).Records;

        Assert.Equal(2, records.Count);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1795518060123), records[0].Dynamodb.ApproximateCreationDateTime);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1795518060), records[1].Dynamodb.ApproximateCreationDateTime);
        var nested = records[0].Dynamodb.NewImage!["Nested"].M;
        Assert.Equal(["semla", "kanelbulle", null], nested["Mixed"].L.Select(v => v.S));
        Assert.Equal("2.71828", nested["Mixed"].L[2].N);
        Assert.Equal(["1", "10", "100"], nested["Counts"].NS);
        Assert.Equal(["Elk", "Lynx"], nested["Names"].SS);
        Assert.True(nested["Missing"].NULL);
        Assert.False(nested["Flag"].BOOL);
        Assert.Empty(nested["Empty"].L);
        Assert.Empty(records[0].Dynamodb.NewImage!["Nothing"].L);
        Assert.Equal([.. "fika"u8], records[0].Dynamodb.NewImage!["Blob"].B.ToArray());
        Assert.Equal(3, records[1].Dynamodb.OldImage!["Blobs"].BS.Count);
        Assert.True(records[1].IsTtlDeletion);
        Assert.Equal("OLD_IMAGE", records[1].Dynamodb.StreamViewType);
    }

    [Fact]
    public void A_tumbling_window_event_reads_its_records_and_leaves_the_window_fields_aside()
    {
        var records = LambdaJson.Deserialize<DynamoDbEvent>(Sample("lambda-time-window-event.json")).Records;

        Assert.Equal([StreamEventName.Insert, StreamEventName.Modify, StreamEventName.Remove], records.Select(r => r.EventName));
        Assert.Equal(["700", "800", "900"], records.Select(r => r.Dynamodb.SequenceNumber));
        Assert.All(records, r => Assert.Null(r.Dynamodb.ApproximateCreationDateTime));
        Assert.Equal("first draft", records[1].Dynamodb.OldImage!["Note"].S);
        Assert.Null(records[2].Dynamodb.NewImage);
        Assert.Equal("window-stream-ARN", records[0].EventSourceArn);
    }

    [Fact]
    public void The_batch_item_failures_response_reads_and_writes_in_lambdas_shape()
    {
        var json = Sample("lambda-batch-item-failures-response.json");
        var response = LambdaJson.Deserialize<StreamsEventResponse>(json);

        Assert.Equal(["9900000000000000000000102"], response.BatchItemFailures.Select(f => f.ItemIdentifier));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), JsonNode.Parse(LambdaJson.Serialize(response))));
    }

    [Theory]
    [InlineData("1795518060123", 1795518060_1230000L)]
    [InlineData("1795518060123.5", 1795518060_1235000L)]
    [InlineData("95617584000", 95617584000_0000000L)]
    [InlineData("95617584001", 95617584_0010000L)]
    [InlineData("\"2026-11-24T08:01:00.5Z\"", 1795507260_5000000L)]
    public void Creation_time_reads_milliseconds_as_lambdas_library_does_and_iso_dates(string json, long ticksSinceEpoch)
    {
        var record = LambdaJson.Deserialize<StreamRecord>($$"""{"ApproximateCreationDateTime":{{json}},"SequenceNumber":"1"}""");

        Assert.Equal(DateTimeOffset.UnixEpoch.AddTicks(ticksSinceEpoch), record.ApproximateCreationDateTime);
    }

    [Theory]
    [InlineData("1e300")]
    [InlineData("-1e300")]
    [InlineData("99999999999999999999")]
    [InlineData("\"last tuesday\"")]
    [InlineData("true")]
    public void A_creation_time_outside_the_calendar_is_a_json_error_not_a_crash(string json)
    {
        Assert.Throws<JsonException>(() => LambdaJson.Deserialize<StreamRecord>($$"""{"ApproximateCreationDateTime":{{json}},"SequenceNumber":"1"}"""));
    }

    [Theory]
    [InlineData("""{"Records":null}""", "\"Records\" is null")]
    [InlineData("""{"Records":[null]}""", "Records[0] is null")]
    [InlineData("""{"Records":[{"eventID":"1","eventName":"INSERT","dynamodb":null}]}""", "Records[0] has no \"dynamodb\" part")]
    [InlineData("""{"Records":[{"eventID":"1","eventName":"INSERT","dynamodb":{"SequenceNumber":""}}]}""", "Records[0] has no SequenceNumber")]
    public void An_event_a_handler_cannot_take_names_its_problem(string json, string problem)
    {
        Assert.StartsWith(problem, LambdaJson.Deserialize<DynamoDbEvent>(json).Problem(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_sound_event_has_no_problem()
    {
        Assert.Null(LambdaJson.Deserialize<DynamoDbEvent>(Sample("lambda-time-window-event.json")).Problem());
    }
}
