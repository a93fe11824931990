using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Microservices.ServiceDefaults.Limits;

/// <summary>
/// Headers over <see cref="RequestLimits.MaxHeaderBytes"/> (names and values together) are a 431 naming the limit.
/// Kestrel's own limit, at twice this, stays the backstop: its 431 has no body.
/// </summary>
public sealed class HeaderLimit(RequestDelegate next, IOptions<RequestLimits> limits)
{
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var maximum = limits.Value.MaxHeaderBytes;
        long bytes = 0;
        foreach (var (name, values) in context.Request.Headers)
        {
            foreach (var value in values)
            {
                bytes += name.Length + (value?.Length ?? 0);
            }
        }

        return bytes <= maximum
            ? next(context)
            : LimitProblem.WriteAsync(context, StatusCodes.Status431RequestHeaderFieldsTooLarge, nameof(RequestLimits.MaxHeaderBytes), maximum, bytes,
                $"The request's headers hold {bytes} bytes; at most {maximum} are read.");
    }
}
