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
        // A JSON error knows the path of the offending property ("$.price"); name it as the field at fault.
        var field = badRequest.InnerException is JsonException { Path: { Length: > 2 } path }
            ? path.TrimStart('$', '.')
            : "body";
        return new ValidationProblemDetails(new Dictionary<string, string[]>
        {
            [field] = [badRequest.InnerException?.Message ?? badRequest.Message],
        })
        {
            Status = badRequest.StatusCode,
            Title = "The request body could not be read",
        };
    }
}
