using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace Microservices.ServiceDefaults;

/// <summary>
/// JSON bodies are UTF-8 (RFC 8259). A JSON Content-Type that names it, quoted or in any case, is read as UTF-8; one that
/// names another charset, or one that does not parse, is a 415 naming <c>Content-Type</c>, before any endpoint tries to
/// decode the body with an encoding the server does not have (which was a 500).
/// </summary>
public sealed class JsonContentType(RequestDelegate next, IProblemDetailsService problems)
{
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var header = context.Request.ContentType;
        if (string.IsNullOrEmpty(header))
        {
            await next(context);
            return;
        }

        if (!MediaTypeHeaderValue.TryParse(header, out var media))
        {
            await RefuseAsync(context, $"Content-Type '{Shorten(header)}' is not a media type; send application/json.");
            return;
        }

        var charset = media.Charset.HasValue ? HeaderUtilities.RemoveQuotes(media.Charset).ToString() : null;
        var json = media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || media.MediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
        if (charset is not null && json)
        {
            if (!charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
            {
                await RefuseAsync(context, $"Content-Type names charset '{Shorten(charset)}'; JSON bodies must be UTF-8 (send application/json or application/json; charset=utf-8).");
                return;
            }

            context.Request.ContentType = media.MediaType.ToString();
        }

        await next(context);
    }

    private Task RefuseAsync(HttpContext context, string message)
    {
        context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
        return problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ValidationProblemDetails(new Dictionary<string, string[]> { ["Content-Type"] = [message] })
            {
                Status = StatusCodes.Status415UnsupportedMediaType,
                Title = "Unsupported Content-Type",
            },
        }).AsTask();
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";
}
