namespace Microservices.EventSourcing;

/// <summary>Ids are time-ordered UUIDv7 in 32 lower-case hex digits: unique without coordination, and safe in keys.</summary>
public static class Ids
{
    public static string New() => Guid.CreateVersion7().ToString("N");

    public static bool IsValid(string? id) =>
        id is { Length: 32 } && id.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');

    /// <summary>An id that we could never have issued names nothing: 404, the same as an unknown one.</summary>
    public static string Require(string id, string resource) =>
        IsValid(id) ? id : throw new NotFoundException(resource, id);
}
