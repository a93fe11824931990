using System.Text.Json;
using Microservices.EventSourcing;
using Microservices.SingleTable;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Microservices.ServiceDefaults;

/// <summary>
/// Turns the exceptions that carry a meaning into ProblemDetails: unknown ids 404, stale versions 409 with the
/// current version, broken input rules 400 naming the field, an Idempotency-Key reused with another request 422, unreadable bodies 400 naming the field, requests over DynamoDB's limits 400 naming the limit, what a migration has not finished building 503 (Retry-After). Anything else stays a 500 and is logged by ASP.NET.
/// </summary>
public sealed class ProblemExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            NotFoundException notFound => new ProblemDetails
            {
                Status = StatusCodes.Status404NotFound,
                Title = $"{notFound.Resource} not found",
                Detail = notFound.Message,
            },
            VersionConflictException conflict => new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Title = "Version conflict",
                Detail = $"{conflict.Message} Reload and retry with expectedVersion {conflict.CurrentVersion}.",
                Extensions = { ["currentVersion"] = conflict.CurrentVersion },
            },
            ConflictException conflict => new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Title = "Conflict",
                Detail = conflict.Message,
            },
            ValidationException invalid => new ValidationProblemDetails(invalid.Errors)
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "One or more validation errors occurred.",
            },
            IdempotencyKeyReusedException reused => new ProblemDetails
            {
                Status = StatusCodes.Status422UnprocessableEntity,
                Title = "Idempotency-Key reused",
                Detail = reused.Message,
            },
            NotReadyException notReady => new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Not available yet",
                Detail = notReady.Message,
            },
            BadHttpRequestException badRequest => Unreadable(badRequest),
            DynamoDbLimitException limit => new ProblemDetails
            {
                Status = StatusCodes.Status400BadRequest,
                Title = $"Over DynamoDB's {limit.Limit} limit",
                Detail = limit.Message,
                Extensions = { ["limit"] = limit.Limit, ["maximum"] = limit.Maximum, ["actual"] = limit.Actual },
            },
            _ => null,
        };
        if (problem is null)
        {
            return false;
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            httpContext.Response.Headers.RetryAfter = "5";
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    private static ValidationProblemDetails Unreadable(BadHttpRequestException badRequest)
    {
        var (field, message) = badRequest.InnerException is JsonException json ? Explain(json) : ("body", badRequest.Message);
        return new ValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
        {
            Status = badRequest.StatusCode,
            Title = "The request body could not be read",
        };
    }

    /// <summary>
    /// The field a JSON error is about (from its path, "$.lines[0].price" is "lines[0].price"; the whole body when it
    /// has none) and what is wrong with it, in words of the API: the serializer's own messages name .NET types.
    /// </summary>
    private static (string Field, string Message) Explain(JsonException json)
    {
        var text = json.Message;
        var path = json.Path is { Length: > 2 } p ? p.TrimStart('$', '.') : null;
        if (QuotedName(text, "The JSON property '") is { } unknown)
        {
            var field = path is null || path.EndsWith(unknown, StringComparison.Ordinal) ? path ?? unknown : $"{path}.{unknown}";
            return (field, $"{field} is not a field of this request.");
        }

        if (QuotedName(text, "Duplicate property '") is { } duplicate)
        {
            var field = path ?? duplicate;
            return (field, $"{field} appears more than once (names are compared without regard to case).");
        }

        if (text.Contains("maximum configured depth", StringComparison.Ordinal))
        {
            return ("body", "The body is nested too deeply.");
        }

        if (path is not null && text.StartsWith("The JSON value could not be converted", StringComparison.Ordinal))
        {
            return (path, $"{path} has a value of the wrong type.");
        }

        var where = json.LineNumber is { } line ? $" (line {line + 1}, position {json.BytePositionInLine + 1})" : "";
        return (path ?? "body", $"The body is not valid JSON{where}.");
    }

    private static string? QuotedName(string message, string before)
    {
        var at = message.IndexOf(before, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var start = at + before.Length;
        var end = message.IndexOf('\'', start);
        return end > start ? message[start..end] : null;
    }
}
