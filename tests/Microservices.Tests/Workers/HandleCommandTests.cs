using System.Text.Json.Nodes;
using Microservices.Tests.Infrastructure;

namespace Microservices.Tests.Workers;

/// <summary>
/// The event relay's handle command runs its real stream handler on a Lambda DynamoDB stream event file and prints
/// Lambda's partial batch response, so the same handler is proven against Lambda's own format.
/// </summary>
public sealed class HandleCommandTests
{
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["DynamoDb:AccessKey"] = "local",
        ["DynamoDb:SecretKey"] = "local",
        ["Messaging:Transport"] = "InMemory",
    };

    [Theory]
    [InlineData("dynamodb-stream-event.json")]
    [InlineData("dynamodb-stream-event-modify-all-types.json")]
    [InlineData("dynamodb-stream-event-ttl-remove.json")]
    public async Task The_handler_answers_a_documented_Lambda_event_with_an_empty_batchItemFailures_list(string sample)
    {
        var (exitCode, output, error) = await WorkerProcess.RunCommandAsync(["handle", Path.Combine("Samples", sample)], Settings);

        Assert.True(exitCode == 0, error);
        var response = JsonNode.Parse(output)!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"batchItemFailures":[]}"""), response), output);
    }

    [Fact]
    public async Task A_file_that_is_not_a_stream_event_is_refused_with_a_reason_and_exit_code_2()
    {
        var notAnEvent = Path.GetTempFileName();
        await File.WriteAllTextAsync(notAnEvent, "{\"Records\": 42}", TestContext.Current.CancellationToken);

        var (exitCode, output, error) = await WorkerProcess.RunCommandAsync(["handle", notAnEvent], Settings);

        Assert.Equal(2, exitCode);
        Assert.Empty(output);
        Assert.Contains("Cannot read the event file", error, StringComparison.Ordinal);
    }
}
