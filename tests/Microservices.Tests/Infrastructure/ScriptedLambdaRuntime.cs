using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using Microservices.Streams.Lambda;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Microservices.Tests.Infrastructure;

/// <summary>
/// A SCRIPTED Lambda Runtime API endpoint: it plays Lambda's side of the custom runtime protocol (version
/// 2018-06-01) on real Kestrel over loopback, for a function process started with <c>AWS_LAMBDA_RUNTIME_API</c>
/// pointing at it. The test queues the invocations (an event and the time left before its deadline); each
/// <c>GET /runtime/invocation/next</c> waits for the next one, as Lambda's long poll does, and every response,
/// invocation error and init error the function posts is recorded for the test to read.
/// </summary>
public sealed class ScriptedLambdaRuntime : IAsyncDisposable
{
    private const string Prefix = "/2018-06-01/runtime";

    private readonly WebApplication _app;
    private readonly Channel<ScriptedInvocation> _invocations = Channel.CreateUnbounded<ScriptedInvocation>();
    private readonly Channel<RuntimePost> _posts = Channel.CreateUnbounded<RuntimePost>();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _nextRequests;

    private sealed record ScriptedInvocation(string RequestId, string Event, TimeSpan TimeLeft, string? TraceId);

    private ScriptedLambdaRuntime(WebApplication app)
    {
        _app = app;
        app.MapGet($"{Prefix}/invocation/next", NextAsync);
        app.MapPost($"{Prefix}/invocation/{{requestId}}/response", (string requestId, HttpRequest request) => RecordAsync(RuntimePostKind.Response, requestId, request));
        app.MapPost($"{Prefix}/invocation/{{requestId}}/error", (string requestId, HttpRequest request) => RecordAsync(RuntimePostKind.InvocationError, requestId, request));
        app.MapPost($"{Prefix}/init/error", (HttpRequest request) => RecordAsync(RuntimePostKind.InitError, null, request));
    }

    /// <summary>host:port, the value of <c>AWS_LAMBDA_RUNTIME_API</c> for the function.</summary>
    public string Api { get; private set; } = "";

    /// <summary>How many times the function has asked for its next invocation.</summary>
    public int NextRequests => Volatile.Read(ref _nextRequests);

    /// <summary>Time since the runtime started, on the clock <see cref="RuntimePost.At"/> is read from.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    public static async Task<ScriptedLambdaRuntime> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var runtime = new ScriptedLambdaRuntime(builder.Build());
        await runtime._app.StartAsync(TestContext.Current.CancellationToken);
        var address = new Uri(runtime._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        runtime.Api = $"{address.Host}:{address.Port}";
        return runtime;
    }

    /// <summary>
    /// Queues an invocation of <paramref name="streamEvent"/> (the body as sent); its deadline is
    /// <paramref name="timeLeft"/> (a minute by default) after the function takes it. Returns its request id.
    /// </summary>
    public string Invoke(string streamEvent, TimeSpan? timeLeft = null, string? traceId = null)
    {
        var requestId = Guid.NewGuid().ToString();
        _invocations.Writer.TryWrite(new ScriptedInvocation(requestId, streamEvent, timeLeft ?? TimeSpan.FromMinutes(1), traceId));
        return requestId;
    }

    /// <summary>The function's next post (response or error), in the order they came; fails after <paramref name="timeout"/>.</summary>
    public async Task<RuntimePost> NextPostAsync(TimeSpan timeout)
    {
        try
        {
            return await _posts.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(timeout, TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The function posted nothing to the Lambda Runtime API within {timeout}.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        _invocations.Writer.TryComplete();
        await _app.DisposeAsync();
    }

    private async Task NextAsync(HttpContext context)
    {
        Interlocked.Increment(ref _nextRequests);
        ScriptedInvocation invocation;
        try
        {
            invocation = await _invocations.Reader.ReadAsync(context.RequestAborted);
        }
        catch (Exception exception) when (exception is OperationCanceledException or ChannelClosedException)
        {
            return;
        }

        var headers = context.Response.Headers;
        headers[LambdaInvocation.RequestIdHeader] = invocation.RequestId;
        headers[LambdaInvocation.DeadlineHeader] = (DateTimeOffset.UtcNow + invocation.TimeLeft).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        headers[LambdaInvocation.InvokedFunctionArnHeader] = "arn:aws:lambda:eu-north-1:000000000000:function:relay";
        if (invocation.TraceId is not null)
        {
            headers[LambdaInvocation.TraceIdHeader] = invocation.TraceId;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(invocation.Event, context.RequestAborted);
    }

    private async Task<IResult> RecordAsync(RuntimePostKind kind, string? requestId, HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        await _posts.Writer.WriteAsync(
            new RuntimePost(kind, requestId, request.Headers[LambdaRuntimeClient.ErrorTypeHeader].FirstOrDefault(), JsonNode.Parse(body)!, _clock.Elapsed),
            request.HttpContext.RequestAborted);
        return Results.Accepted();
    }
}

public enum RuntimePostKind
{
    Response,
    InvocationError,
    InitError,
}

/// <summary>What the function posted: its kind, the invocation it answers (none for an init error), the error type header, the JSON body and when it came.</summary>
public sealed record RuntimePost(RuntimePostKind Kind, string? RequestId, string? ErrorTypeHeader, JsonNode Body, TimeSpan At);
