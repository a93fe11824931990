using Microsoft.AspNetCore.Http;

namespace Microservices.ServiceDefaults;

/// <summary>
/// The headers every answer carries: no MIME sniffing, no referrer, never cached (answers hold personal data and
/// change with every command), and a Content-Security-Policy: none at all for the JSON answers, and for the API page
/// (<c>/scalar</c>) only what it loads from the service itself (its scripts are served by the service; the fonts it
/// would fetch from a third party fall back to the browser's, and WebAssembly may compile, JavaScript eval may not).
/// </summary>
public sealed class SecurityHeaders(RequestDelegate next)
{
    public const string ApiPolicy = "default-src 'none'; frame-ancestors 'none'";

    public const string PagePolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var page = context.Request.Path.StartsWithSegments("/scalar", StringComparison.OrdinalIgnoreCase);
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.CacheControl = "no-store";
            headers.ContentSecurityPolicy = page ? PagePolicy : ApiPolicy;
            return Task.CompletedTask;
        });
        return next(context);
    }
}
