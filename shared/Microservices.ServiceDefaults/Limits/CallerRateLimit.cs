using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microservices.ServiceDefaults.Limits;

/// <summary>
/// One token bucket per caller (ASP.NET Core's rate limiter): a caller with a token is its subject, wherever it calls
/// from; one without is its address. <see cref="RequestLimits.RequestBurst"/> requests at once, refilled at
/// <see cref="RequestLimits.RequestsPerSecond"/>; past that a 429 with <c>Retry-After</c> naming the limit. Health
/// checks are never limited: a load balancer polls them from one address.
/// </summary>
public static class CallerRateLimit
{
    public static IServiceCollection AddCallerRateLimit(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RequestLimits>>((rate, options) =>
        {
            var limits = options.Value;
            rate.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            rate.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                context.Request.Path.StartsWithSegments("/health")
                    ? RateLimitPartition.GetNoLimiter("health")
                    : RateLimitPartition.GetTokenBucketLimiter(Partition(context), _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = limits.RequestBurst,
                        TokensPerPeriod = limits.RequestsPerSecond,
                        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    }));
            rate.OnRejected = (rejected, _) =>
            {
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
                rejected.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                return new ValueTask(LimitProblem.WriteAsync(rejected.HttpContext, StatusCodes.Status429TooManyRequests,
                    nameof(RequestLimits.RequestsPerSecond), limits.RequestsPerSecond, actual: null,
                    $"More than {limits.RequestBurst} requests at once, or {limits.RequestsPerSecond} a second, from one caller; retry after {retryAfter} s."));
            };
        });
        return services;
    }

    private static string Partition(HttpContext context) =>
        context.User.FindFirst("sub")?.Value is { Length: > 0 } subject
            ? "sub:" + subject
            : "address:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
}
