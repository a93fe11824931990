using System.Diagnostics;
using System.Globalization;

namespace Microservices.Streams.Lambda;

/// <summary>
/// One invocation handed out by the Lambda Runtime API's <c>GET /runtime/invocation/next</c>: the headers that
/// describe it and the event as it came (bytes, read only by <see cref="LambdaJson"/>).
/// </summary>
/// <param name="RequestId">Lambda-Runtime-Aws-Request-Id: names the invocation in the response or error posted for it.</param>
/// <param name="Deadline">Lambda-Runtime-Deadline-Ms: when Lambda stops the function; null if the header was absent or unreadable.</param>
/// <param name="TraceId">Lambda-Runtime-Trace-Id, the X-Ray tracing header (Root=1-...;Parent=...;Sampled=1), if any.</param>
/// <param name="InvokedFunctionArn">Lambda-Runtime-Invoked-Function-Arn, if any.</param>
public sealed record LambdaInvocation(string RequestId, DateTimeOffset? Deadline, string? TraceId, string? InvokedFunctionArn, ReadOnlyMemory<byte> Event)
{
    public const string RequestIdHeader = "Lambda-Runtime-Aws-Request-Id";
    public const string DeadlineHeader = "Lambda-Runtime-Deadline-Ms";
    public const string TraceIdHeader = "Lambda-Runtime-Trace-Id";
    public const string InvokedFunctionArnHeader = "Lambda-Runtime-Invoked-Function-Arn";

    /// <summary>The environment variable a custom runtime sets to each invocation's tracing header, for the AWS SDK and X-Ray.</summary>
    public const string TraceIdVariable = "_X_AMZN_TRACE_ID";

    /// <summary>An invocation from the headers of a next-invocation answer (header name to its first value) and its body.</summary>
    public static LambdaInvocation FromHeaders(Func<string, string?> header, ReadOnlyMemory<byte> body)
    {
        ArgumentNullException.ThrowIfNull(header);
        var requestId = header(RequestIdHeader);
        if (string.IsNullOrWhiteSpace(requestId))
        {
            throw new InvalidOperationException($"The next invocation came without {RequestIdHeader}.");
        }

        DateTimeOffset? deadline = long.TryParse(header(DeadlineHeader), NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds)
            && milliseconds <= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds()
            ? DateTimeOffset.FromUnixTimeMilliseconds(milliseconds)
            : null;
        return new LambdaInvocation(requestId, deadline, NullIfEmpty(header(TraceIdHeader)), NullIfEmpty(header(InvokedFunctionArnHeader)), body);
    }

    /// <summary>
    /// How long the handler may run: until <paramref name="margin"/> before the deadline, so that there is time left
    /// to post an answer before Lambda stops the function; zero once that point has passed. Null without a deadline.
    /// </summary>
    public TimeSpan? HandlerTime(DateTimeOffset now, TimeSpan margin) =>
        Deadline is { } deadline ? TimeSpan.FromTicks(Math.Max(0, (deadline - margin - now).Ticks)) : null;

    /// <summary>
    /// The trace the invocation belongs to, read from the X-Ray header: its Root (1-{8 hex time}-{24 hex}) is a W3C
    /// trace id once the dashes go, its Parent a span id. Default when there is no header or it is not of that form.
    /// </summary>
    public ActivityContext TraceParent()
    {
        string? root = null, parent = null;
        var sampled = false;
        foreach (var part in (TraceId ?? "").Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }

            var value = part[(equals + 1)..];
            switch (part[..equals])
            {
                case "Root":
                    root = value;
                    break;
                case "Parent":
                    parent = value;
                    break;
                case "Sampled":
                    sampled = value == "1";
                    break;
            }
        }

        if (root is not { Length: 35 } || !root.StartsWith("1-", StringComparison.Ordinal) || root[10] != '-' || parent is not { Length: 16 })
        {
            return default;
        }

        var traceId = string.Concat(root.AsSpan(2, 8), root.AsSpan(11));
        return IsLowerHex(traceId) && IsLowerHex(parent)
            ? new ActivityContext(
                ActivityTraceId.CreateFromString(traceId), ActivitySpanId.CreateFromString(parent), sampled ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None, isRemote: true)
            : default;
    }

    private static bool IsLowerHex(string text) => text.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
