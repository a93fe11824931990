using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Microservices.ServiceDefaults.Limits;

/// <summary>
/// A body is read whole, up to <see cref="RequestLimits.MaxBodyBytes"/>, before any endpoint sees it: a declared
/// length over the limit is refused unread, an undeclared (chunked) one as soon as it passes the limit (413). A JSON
/// body is then walked once with <see cref="Utf8JsonReader"/>, which allocates nothing, for nesting deeper than
/// <see cref="RequestLimits.MaxJsonDepth"/> or an array longer than <see cref="RequestLimits.MaxJsonArrayLength"/>
/// (400), so the serializer never builds a million-item list to be refused later. Malformed JSON is left to the
/// serializer, whose error names the field.
/// </summary>
public sealed class BodyLimits(RequestDelegate next, IOptions<RequestLimits> options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        var canHaveBody = context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? request.ContentLength > 0;
        if (!canHaveBody)
        {
            await next(context);
            return;
        }

        var limits = options.Value;
        if (request.ContentLength > limits.MaxBodyBytes)
        {
            await TooLargeAsync(context, limits.MaxBodyBytes, request.ContentLength);
            return;
        }

        var body = await ReadAsync(request.Body, limits.MaxBodyBytes, context.RequestAborted);
        if (body is null)
        {
            await TooLargeAsync(context, limits.MaxBodyBytes, actual: null);
            return;
        }

        if (IsJson(request.ContentType) && Walk(body, limits) is { } refusal)
        {
            await LimitProblem.WriteAsync(context, StatusCodes.Status400BadRequest, refusal.Limit, refusal.Maximum, refusal.Actual, refusal.Detail);
            return;
        }

        request.Body = new MemoryStream(body, writable: false);
        await next(context);
    }

    /// <summary>The whole body, or null as soon as it is longer than <paramref name="maximum"/>.</summary>
    private static async Task<byte[]?> ReadAsync(Stream source, int maximum, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await source.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maximum)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static bool IsJson(string? contentType) =>
        contentType is not null
        && (contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
            || contentType.Split(';')[0].Trim().EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    private sealed record Refusal(string Limit, long Maximum, long Actual, string Detail);

    /// <summary>The first limit the JSON breaks, or null (also for JSON that does not parse: the serializer says where).</summary>
    private static Refusal? Walk(byte[] body, RequestLimits limits)
    {
        // One level deeper than the limit, so that the reader itself never throws for depth before the check below.
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = limits.MaxJsonDepth + 1 });
        // Per open container: its name (the property it is the value of) and, for an array, how many items so far.
        var open = new Stack<(string Name, int Items, bool IsArray)>();
        string? property = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        property = reader.GetString();
                        continue;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        open.Pop();
                        continue;
                }

                if (open.TryPeek(out var parent) && parent.IsArray)
                {
                    open.Pop();
                    open.Push(parent with { Items = parent.Items + 1 });
                    if (parent.Items + 1 > limits.MaxJsonArrayLength)
                    {
                        return new Refusal(nameof(RequestLimits.MaxJsonArrayLength), limits.MaxJsonArrayLength, parent.Items + 1,
                            $"{parent.Name} holds more than {limits.MaxJsonArrayLength} items.");
                    }
                }

                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    var depth = open.Count + 1;
                    if (depth > limits.MaxJsonDepth)
                    {
                        return new Refusal(nameof(RequestLimits.MaxJsonDepth), limits.MaxJsonDepth, depth,
                            $"The body nests objects and arrays more than {limits.MaxJsonDepth} levels deep.");
                    }

                    var name = property ?? (open.TryPeek(out var outer) ? $"{outer.Name}[{outer.Items - 1}]" : "body");
                    open.Push((name, 0, reader.TokenType is JsonTokenType.StartArray));
                }

                property = null;
            }
        }
        catch (JsonException)
        {
            return null;
        }

        return null;
    }

    private static Task TooLargeAsync(HttpContext context, int maximum, long? actual) =>
        LimitProblem.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, nameof(RequestLimits.MaxBodyBytes), maximum, actual,
            actual is { } bytes
                ? $"The body declares {bytes} bytes; at most {maximum} are read."
                : $"The body is longer than {maximum} bytes, the most that is read.");
}
