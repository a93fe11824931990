using System.Collections.Concurrent;

namespace Microservices.Tests.Security.Fuzz;

/// <summary>A seeded client as the fuzz knows it: its ids, and what no other client's request may ever see of it.</summary>
public sealed record FuzzClient(string ClientId, IReadOnlyList<string> OrderIds, IReadOnlyList<string> Secrets);

/// <summary>
/// What the generated requests draw their ids, titles and cursors from besides random text: the seeded catalog, the
/// caller client <see cref="Caller"/> and the <see cref="Victim"/> whose data the fuzz must never touch, and every
/// cursor an answer has handed out so far (to be sent, later, to other lists and by other callers).
/// </summary>
public sealed class FuzzPool
{
    public required IReadOnlyList<string> AuthorIds { get; init; }

    public required IReadOnlyList<string> BookIds { get; init; }

    public required IReadOnlyList<string> Titles { get; init; }

    public required IReadOnlyList<string> Genres { get; init; }

    public required FuzzClient Caller { get; init; }

    public required FuzzClient Victim { get; init; }

    /// <summary>Cursors from answers, by the caller who was given them.</summary>
    public ConcurrentDictionary<string, ConcurrentBag<string>> Cursors { get; } = new(StringComparer.Ordinal);

    public void Remember(string caller, string cursor) => Cursors.GetOrAdd(caller, _ => []).Add(cursor);

    /// <summary>Cursors handed out to anyone, for <paramref name="caller"/> to send: staff never gets one made from the victim's lists.</summary>
    public IReadOnlyList<string> CursorsFor(string caller) =>
        [.. Cursors.Where(c => caller != FuzzCallers.Staff || c.Key != FuzzCallers.Victim).SelectMany(c => c.Value).Take(200)];
}
