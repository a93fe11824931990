namespace Microservices.EventSourcing;

/// <summary>The thing a request names does not exist: 404.</summary>
public sealed class NotFoundException(string resource, string id)
    : Exception($"{resource} '{id}' was not found.")
{
    public string Resource { get; } = resource;
    public string Id { get; } = id;
}

/// <summary>The caller's expected version is not the current one: 409 carrying the current version.</summary>
public sealed class VersionConflictException(string stream, long currentVersion)
    : Exception($"{stream} is at version {currentVersion}.")
{
    public string Stream { get; } = stream;
    public long CurrentVersion { get; } = currentVersion;
}

/// <summary>The request clashes with existing state other than by version, e.g. a title already taken: 409.</summary>
public sealed class ConflictException(string message) : Exception(message);

/// <summary>What was asked for exists only once a migration has finished (an index still being built): a 503 to retry later.</summary>
public sealed class NotReadyException(string message) : Exception(message);
