using System.Diagnostics;
using System.Text.Json.Nodes;
using Microservices.Streams.Lambda;

namespace Microservices.UnitTests.Lambda;

/// <summary>The pure parts of the Lambda Runtime API loop: reading an invocation's headers, its deadline, its trace, the error document.</summary>
public sealed class LambdaInvocationTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_795_518_060_000);

    private static LambdaInvocation From(Dictionary<string, string> headers) =>
        LambdaInvocation.FromHeaders(name => headers.GetValueOrDefault(name), ReadOnlyMemory<byte>.Empty);

    private static LambdaInvocation WithDeadline(DateTimeOffset? deadline) => new("id", deadline, null, null, ReadOnlyMemory<byte>.Empty);

    private static LambdaInvocation WithTrace(string? traceId) => new("id", null, traceId, null, ReadOnlyMemory<byte>.Empty);

    [Fact]
    public void An_invocation_is_read_from_the_runtime_api_headers()
    {
        var invocation = From(new()
        {
            [LambdaInvocation.RequestIdHeader] = "8476a536-e9f4-11e8-9739-2dfe598c3fcd",
            [LambdaInvocation.DeadlineHeader] = "1542409706888",
            [LambdaInvocation.TraceIdHeader] = "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1",
            [LambdaInvocation.InvokedFunctionArnHeader] = "arn:aws:lambda:us-east-2:123456789012:function:custom-runtime",
        });

        Assert.Equal("8476a536-e9f4-11e8-9739-2dfe598c3fcd", invocation.RequestId);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1542409706888), invocation.Deadline);
        Assert.Equal("Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1", invocation.TraceId);
        Assert.Equal("arn:aws:lambda:us-east-2:123456789012:function:custom-runtime", invocation.InvokedFunctionArn);
    }

    [Fact]
    public void An_invocation_without_a_request_id_is_refused()
    {
        var problem = Assert.Throws<InvalidOperationException>(() => From(new() { [LambdaInvocation.DeadlineHeader] = "1542409706888" }));

        Assert.Contains(LambdaInvocation.RequestIdHeader, problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("-5")]
    [InlineData("99999999999999999999")]
    public void A_missing_or_unreadable_deadline_is_no_deadline(string? header)
    {
        var headers = new Dictionary<string, string> { [LambdaInvocation.RequestIdHeader] = "id" };
        if (header is not null)
        {
            headers[LambdaInvocation.DeadlineHeader] = header;
        }

        var invocation = From(headers);

        Assert.Null(invocation.Deadline);
        Assert.Null(invocation.HandlerTime(Now, TimeSpan.FromMilliseconds(500)));
    }

    [Fact]
    public void The_handler_may_run_until_the_margin_before_the_deadline()
    {
        var time = WithDeadline(Now.AddSeconds(3)).HandlerTime(Now, TimeSpan.FromMilliseconds(500));

        Assert.Equal(TimeSpan.FromMilliseconds(2500), time);
    }

    [Theory]
    [InlineData(200)]
    [InlineData(500)]
    [InlineData(-10_000)]
    public void A_deadline_closer_than_the_margin_or_past_leaves_the_handler_no_time(int millisecondsLeft)
    {
        var time = WithDeadline(Now.AddMilliseconds(millisecondsLeft)).HandlerTime(Now, TimeSpan.FromMilliseconds(500));

        Assert.Equal(TimeSpan.Zero, time);
    }

    [Fact]
    public void The_xray_header_continues_its_trace()
    {
        var parent = WithTrace("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1").TraceParent();

        Assert.Equal("5759e988bd862e3fe1be46a994272793", parent.TraceId.ToHexString());
        Assert.Equal("53995c3f42cd8ad8", parent.SpanId.ToHexString());
        Assert.Equal(ActivityTraceFlags.Recorded, parent.TraceFlags);
        Assert.True(parent.IsRemote);
    }

    [Fact]
    public void An_unsampled_trace_is_continued_unrecorded()
    {
        var parent = WithTrace("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0").TraceParent();

        Assert.Equal(ActivityTraceFlags.None, parent.TraceFlags);
        Assert.Equal("5759e988bd862e3fe1be46a994272793", parent.TraceId.ToHexString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1")]
    [InlineData("Root=2-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8")]
    [InlineData("Root=1-5759e988-BD862E3FE1BE46A994272793;Parent=53995c3f42cd8ad8")]
    [InlineData("Root=1-5759e988-bd862e3fe1be46a99427279;Parent=53995c3f42cd8ad8")]
    [InlineData("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad")]
    [InlineData("Root=1-5759e988xbd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8")]
    [InlineData("garbage;;=;Root")]
    public void A_trace_header_not_of_the_xray_form_starts_no_trace(string? header) =>
        Assert.Equal(default, WithTrace(header).TraceParent());

    [Theory]
    [InlineData("127.0.0.1:9001", "http://127.0.0.1:9001/2018-06-01/runtime/")]
    [InlineData("localhost:9001/", "http://localhost:9001/2018-06-01/runtime/")]
    public void The_runtime_api_is_reached_under_its_version(string api, string expected) =>
        Assert.Equal(new Uri(expected), LambdaRuntimeClient.BaseAddress(api));

    [Fact]
    public void An_error_document_has_lambdas_field_names_and_the_exception_type_as_its_error_type()
    {
        InvalidOperationException thrown;
        try
        {
            throw new InvalidOperationException("broker gone");
        }
        catch (InvalidOperationException exception)
        {
            thrown = exception;
        }

        var json = JsonNode.Parse(LambdaJson.Serialize(LambdaError.From(thrown)))!;

        Assert.Equal("broker gone", (string?)json["errorMessage"]);
        Assert.Equal("System.InvalidOperationException", (string?)json["errorType"]);
        Assert.NotEmpty(json["stackTrace"]!.AsArray());
    }
}
