using System.Globalization;
using Amazon.DynamoDBv2.Model;
using Microservices.Schema;
using Microservices.SingleTable;

namespace Ops;

/// <summary>
/// Invariant 1: every event stream holds the contiguous versions 1..n, and its canonical item carries Version n;
/// a stream whose last event deleted its entity has no canonical item; a canonical item has a stream. Read from the
/// event items alone (their Version attribute and event type), not by folding them with the services' code. That the
/// fold of the events equals the canonical item is <see cref="StreamFold"/>'s part of the invariant.
/// </summary>
public static class StreamCheck
{
    /// <summary>Which canonical item each stream type keeps, the attribute holding its id, and the event that deletes it.</summary>
    public sealed record StreamKind(string StreamType, string ItemType, string IdAttribute, string? DeletedBy);

    public static IReadOnlyList<StreamKind> Kinds { get; } =
    [
        new("author", ItemTypes.Author, Attributes.AuthorId, "author.deleted.v1"),
        new("book", ItemTypes.Book, Attributes.BookId, "book.deleted.v1"),
        new("client", ItemTypes.Client, Attributes.ClientId, null),
        new("order", ItemTypes.Order, Attributes.OrderId, null),
    ];

    public static (int Streams, IReadOnlyList<Drift> Drifts) Check(IReadOnlyList<Dictionary<string, AttributeValue>> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var streams = items
            .Where(i => i.GetValueOrDefault(Attributes.ItemType)?.S == ItemTypes.Event)
            .GroupBy(i => (Type: i[Attributes.StreamType].S, Id: i[Attributes.StreamId].S))
            .ToDictionary(g => g.Key, g => g.OrderBy(Version).ToList());
        var canonical = new Dictionary<(string Type, string Id), Dictionary<string, AttributeValue>>();
        foreach (var kind in Kinds)
        {
            foreach (var item in items.Where(i => i.GetValueOrDefault(Attributes.ItemType)?.S == kind.ItemType))
            {
                canonical[(kind.StreamType, item[kind.IdAttribute].S)] = item;
            }
        }

        var drifts = new List<Drift>();
        foreach (var ((type, id), events) in streams.OrderBy(s => s.Key.Type, StringComparer.Ordinal).ThenBy(s => s.Key.Id, StringComparer.Ordinal))
        {
            var present = events.Select(Version).ToHashSet();
            var last = Version(events[^1]);
            for (var version = 1L; version <= last; version++)
            {
                if (!present.Contains(version))
                {
                    drifts.Add(new Drift("gap", Keys.Event(type, id, version), Attributes.Version, Text(version), null));
                }
            }

            var kind = Kinds.SingleOrDefault(k => k.StreamType == type);
            if (kind is null)
            {
                continue;
            }

            var deleted = kind.DeletedBy is not null && events[^1][Attributes.EventType].S == kind.DeletedBy;
            if (!canonical.Remove((type, id), out var item))
            {
                if (!deleted)
                {
                    drifts.Add(new Drift("missing", KeyOf(events[^1]), kind.ItemType, $"{kind.ItemType} {id} at Version {Text(last)}", null));
                }
            }
            else if (deleted)
            {
                drifts.Add(new Drift("orphan", KeyOf(item), "", null, $"{type} {id} was deleted at version {Text(last)}"));
            }
            else if (item.GetValueOrDefault(Attributes.Version)?.N is var found && found != Text(last))
            {
                drifts.Add(new Drift("drifted", KeyOf(item), Attributes.Version, Text(last), found is null ? null : Text(long.Parse(found, CultureInfo.InvariantCulture))));
            }
        }

        drifts.AddRange(canonical.Select(c => new Drift("orphan", KeyOf(c.Value), "", null, $"no stream {c.Key.Type} {c.Key.Id}")));
        return (streams.Count, drifts);
    }

    private static long Version(Dictionary<string, AttributeValue> item) => long.Parse(item[Attributes.Version].N, CultureInfo.InvariantCulture);

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static ItemKey KeyOf(Dictionary<string, AttributeValue> item) => new(item[Attributes.PK].S, item[Attributes.SK].S);
}
