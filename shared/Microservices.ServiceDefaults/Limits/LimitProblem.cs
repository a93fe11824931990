using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace Microservices.ServiceDefaults.Limits;

/// <summary>
/// The one answer to a request over one of <see cref="RequestLimits"/>: a ProblemDetails whose <c>limit</c> is the
/// setting's name under <c>Limits:</c>, with the <c>maximum</c> and, where it is known, what the request had.
/// </summary>
public static class LimitProblem
{
    public static Task WriteAsync(HttpContext context, int status, string limit, long maximum, long? actual, string detail)
    {
        ArgumentNullException.ThrowIfNull(context);
        var problem = new ProblemDetails
        {
            Status = status,
            Title = $"Over the {limit} limit",
            Detail = detail,
            Extensions = { ["limit"] = limit, ["maximum"] = maximum },
        };
        if (actual is { } value)
        {
            problem.Extensions["actual"] = value;
        }

        context.Response.StatusCode = status;
        return context.RequestServices.GetRequiredService<IProblemDetailsService>()
            .WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }).AsTask();
    }
}
