using System.Diagnostics;
using System.Net.Http.Json;

namespace Microservices.Tests.Telemetry;

/// <summary>Commands sent the way a traced client sends them, and the event items they left in the table.</summary>
public static class TracedCommands
{
    /// <summary>A sampled W3C traceparent in a new trace, as an upstream caller would send it.</summary>
    public static (ActivityTraceId Trace, string TraceParent) NewTraceParent()
    {
        var trace = ActivityTraceId.CreateRandom();
        return (trace, $"00-{trace.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
    }

    public static async Task<JsonNode> SendAsync(HttpClient http, HttpMethod method, string path, object body, string traceParent, string? traceState = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("traceparent", traceParent);
        if (traceState is not null)
        {
            request.Headers.Add("tracestate", traceState);
        }

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonNode>(TestContext.Current.CancellationToken))!;
    }

    /// <summary>The raw event items of one stream, oldest first, read straight from the table.</summary>
    public static async Task<List<Dictionary<string, AttributeValue>>> EventItemsAsync(DynamoDbOptions tables, string streamType, string streamId)
    {
        using var client = DynamoDbLocalFixture.CreateClient(tables);
        return await client.QueryAllAsync(new QueryRequest
        {
            TableName = tables.TableName,
            KeyConditionExpression = "PK = :pk",
            ExpressionAttributeValues = new() { [":pk"] = new(Keys.StreamPartition(streamType, streamId)) },
            ConsistentRead = true,
        }, TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);
    }
}
