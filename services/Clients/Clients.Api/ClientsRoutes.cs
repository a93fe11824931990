using System.Globalization;
using Microservices.EventSourcing;
using Microservices.ServiceDefaults;

namespace Clients.Api;

public sealed record VersionResponse(long Version);

public static class ClientsRoutes
{
    /// <summary>An id that we could never have issued names nothing: 404, the same as an unknown one.</summary>
    public static void RequireId(string id, string resource)
    {
        if (!Ids.IsValid(id))
        {
            throw new NotFoundException(resource, id);
        }
    }

    /// <summary>
    /// An expectedVersion from the query string, read here rather than bound by ASP.NET so that a malformed one is a
    /// 400 naming the field instead of an anonymous binding failure.
    /// </summary>
    public static long? ExpectedVersion(this Validation validation, string? text)
    {
        ArgumentNullException.ThrowIfNull(validation);
        var parsed = long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var version);
        validation
            .Require(text is not null, "expectedVersion", "expectedVersion is required.")
            .Require(text is null || (parsed && version > 0), "expectedVersion", "expectedVersion must be a whole number of at least 1.");
        return parsed ? version : null;
    }

    public static Validation ExpectedVersion(this Validation validation, long? expectedVersion)
    {
        ArgumentNullException.ThrowIfNull(validation);
        return validation
            .Require(expectedVersion is not null, "expectedVersion", "expectedVersion is required.")
            .Require(expectedVersion is null or > 0, "expectedVersion", "expectedVersion must be at least 1.");
    }
}
