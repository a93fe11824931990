using Microsoft.AspNetCore.Http;

namespace Microservices.ServiceDefaults;

/// <summary>
/// The one validation step of every endpoint: each argument that is <see cref="IValidatable"/> (a body, an
/// Idempotency-Key, a query's parameters) is checked before the endpoint runs; any broken rule is a 400 naming the field.
/// </summary>
public sealed class ValidationFilter : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var validation = new Validation();
        foreach (var argument in context.Arguments.OfType<IValidatable>())
        {
            argument.Validate(validation);
        }

        return validation.IsValid ? next(context) : ValueTask.FromResult<object?>(TypedResults.ValidationProblem(validation.Errors));
    }
}
