using System.Security.Claims;
using Microservices.EventSourcing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microservices.ServiceDefaults.Auth;

/// <summary>
/// Who sent a request, as a handler needs it: the token's subject (a client's id, for a client) and whether it carries
/// the staff scope. An endpoint takes it as a parameter and passes it in its command or query, so that the handler
/// checks it against the state it loaded, not only against the route.
/// </summary>
public sealed record Caller(string Subject, bool IsStaff)
{
    /// <summary>Staff may act for any client; a client only for themselves.</summary>
    public bool MayActFor(string? clientId) => IsStaff || (clientId is not null && string.Equals(clientId, Subject, StringComparison.Ordinal));

    /// <summary>
    /// Someone else's client, order or address answers exactly as one that does not exist (404, the same title and
    /// detail), so that neither the status nor the body tells a caller whether another client's object exists.
    /// </summary>
    public void RequireOwner(string? ownerClientId, string resource, string id)
    {
        if (!MayActFor(ownerClientId))
        {
            throw new NotFoundException(resource, id);
        }
    }

    public static Caller From(ClaimsPrincipal user, string staffScope)
    {
        ArgumentNullException.ThrowIfNull(user);
        var subject = user.FindFirstValue("sub") ?? throw new InvalidOperationException("The request was let in without a subject.");
        return new Caller(subject, HasScope(user, staffScope));
    }

    /// <summary>Whether the token grants <paramref name="scope"/>, in <c>scope</c> or <c>scp</c> (space-separated) or as a role.</summary>
    public static bool HasScope(ClaimsPrincipal user, string scope)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.FindAll("scope").Concat(user.FindAll("scp")).Concat(user.FindAll("roles")).Concat(user.FindAll("role"))
            .SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Contains(scope, StringComparer.Ordinal);
    }

    /// <summary>Minimal APIs bind a <see cref="Caller"/> parameter from the authenticated user.</summary>
    public static ValueTask<Caller?> BindAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var options = context.RequestServices.GetRequiredService<IOptions<ApiAuthOptions>>().Value;
        return ValueTask.FromResult<Caller?>(From(context.User, options.StaffScope));
    }
}
