using System.Globalization;
using System.Text.Json;
using Amazon.DynamoDBv2.Model;
using Microservices.Schema;
using Microservices.SingleTable;

namespace Ops;

/// <summary>
/// Invariant 1, its second half: the fold of a stream's events equals its canonical item. The events' <c>Data</c> is
/// read here with <see cref="JsonDocument"/>, by event type, and folded into the attributes the canonical item should
/// hold: an author's Name; a book's Title, Genre, Price, AuthorId; a client's Name, Email, Phones (type -> number) and
/// PhoneNumbers; an order's ClientId, Status, PlacedAt, Total and LineCount. It shares nothing with the services'
/// event records or folds, so a service that writes an item its own events do not say is caught.
/// An event type the fold does not know is reported (<c>unknown-event</c>), as is one whose Data it cannot read
/// (<c>unreadable-event</c>); the stream is then not compared, since its fold is unknown. A stream with a gap is not
/// compared either (<see cref="StreamCheck"/> reports the gap), nor is one without a canonical item.
/// </summary>
public static class StreamFold
{
    public const string UnknownEvent = "unknown-event";
    public const string UnreadableEvent = "unreadable-event";

    /// <summary>The attributes compared, per stream type; Phones (a map) is compared entry by entry besides them.</summary>
    private static readonly Dictionary<string, string[]> Compared = new(StringComparer.Ordinal)
    {
        ["author"] = [Attributes.Name],
        ["book"] = [Attributes.Title, Attributes.Genre, Attributes.Price, Attributes.AuthorId],
        ["client"] = [Attributes.Name, Attributes.Email, Attributes.PhoneNumbers],
        ["order"] = [Attributes.ClientId, Attributes.Status, Attributes.PlacedAt, Attributes.Total, Attributes.LineCount],
    };

    /// <summary>Every event type the fold knows, and what it does to the state. Types are stable names, never CLR names.</summary>
    private static readonly Dictionary<string, Action<JsonElement, State>> Folds = new(StringComparer.Ordinal)
    {
        ["author.registered.v1"] = (e, s) => s[Attributes.Name] = Text(e, "name"),
        ["author.renamed.v1"] = (e, s) => s[Attributes.Name] = Text(e, "name"),
        ["author.deleted.v1"] = (_, _) => { },
        ["book.added.v1"] = (e, s) =>
        {
            s[Attributes.Title] = Text(e, "title");
            s[Attributes.Genre] = Text(e, "genre");
            s[Attributes.Price] = Number(e, "price");
            s[Attributes.AuthorId] = Text(e, "authorId");
        },
        ["book.price-changed.v1"] = (e, s) => s[Attributes.Price] = Number(e, "price"),
        ["book.genre-changed.v1"] = (e, s) => s[Attributes.Genre] = Text(e, "genre"),
        ["book.retitled.v1"] = (e, s) => s[Attributes.Title] = Text(e, "title"),
        ["book.deleted.v1"] = (_, _) => { },
        ["client.registered.v1"] = (e, s) =>
        {
            s[Attributes.Name] = Text(e, "name");
            s[Attributes.Email] = Text(e, "email");
            s.Phones.Clear();
            if (e.TryGetProperty("phones", out var phones) && phones.ValueKind != JsonValueKind.Null)
            {
                foreach (var phone in phones.EnumerateObject())
                {
                    s.Phones[phone.Name] = phone.Value.GetString() ?? throw new FormatException($"phones.{phone.Name} is null");
                }
            }
        },
        ["client.details-changed.v1"] = (e, s) =>
        {
            s[Attributes.Name] = Text(e, "name");
            s[Attributes.Email] = Text(e, "email");
        },
        ["client.phone-set.v1"] = (e, s) => s.Phones[Text(e, "type")] = Text(e, "number"),
        ["client.phone-removed.v1"] = (e, s) => s.Phones.Remove(Text(e, "type")),
        ["client.address-added.v1"] = (_, _) => { }, // addresses are items of their own, not on the client item
        ["client.address-removed.v1"] = (_, _) => { },
        ["order.placed.v1"] = (e, s) =>
        {
            var lines = e.GetProperty("lines").EnumerateArray().ToList();
            s[Attributes.ClientId] = Text(e, "clientId");
            s[Attributes.Status] = "placed";
            s[Attributes.PlacedAt] = e.GetProperty("placedAt").GetDateTimeOffset().UtcDateTime
                .ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
            s[Attributes.Total] = CopySpecs.Canonical(lines.Sum(l => l.GetProperty("price").GetDecimal() * l.GetProperty("quantity").GetDecimal()));
            s[Attributes.LineCount] = CopySpecs.Canonical(lines.Count);
        },
        ["order.paid.v1"] = (_, s) => s[Attributes.Status] = "paid",
        ["order.shipped.v1"] = (_, s) => s[Attributes.Status] = "shipped",
        ["order.cancelled.v1"] = (_, s) => s[Attributes.Status] = "cancelled",
    };

    /// <summary>Checks a snapshot of the whole table (<see cref="TableSnapshot"/>).</summary>
    public static IReadOnlyList<Drift> Check(IReadOnlyList<Dictionary<string, AttributeValue>> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var streams = items
            .Where(i => i.GetValueOrDefault(Attributes.ItemType)?.S == ItemTypes.Event)
            .GroupBy(i => (Type: i[Attributes.StreamType].S, Id: i[Attributes.StreamId].S))
            .OrderBy(g => g.Key.Type, StringComparer.Ordinal).ThenBy(g => g.Key.Id, StringComparer.Ordinal);
        var canonical = new Dictionary<(string Type, string Id), Dictionary<string, AttributeValue>>();
        foreach (var kind in StreamCheck.Kinds)
        {
            foreach (var item in items.Where(i => i.GetValueOrDefault(Attributes.ItemType)?.S == kind.ItemType))
            {
                canonical[(kind.StreamType, item[kind.IdAttribute].S)] = item;
            }
        }

        var drifts = new List<Drift>();
        foreach (var stream in streams)
        {
            var (type, id) = stream.Key;
            var events = stream.OrderBy(Version).ToList();
            var state = new State();
            var folded = true;
            foreach (var @event in events)
            {
                folded &= Apply(type, @event, state, drifts);
            }

            var contiguous = events.Select(Version).SequenceEqual(Enumerable.Range(1, events.Count).Select(v => (long)v));
            if (folded && contiguous && Compared.TryGetValue(type, out var fields) && canonical.TryGetValue((type, id), out var item))
            {
                drifts.AddRange(Compare(type, fields, state, item));
            }
        }

        return drifts;
    }

    /// <summary>Folds one event into the state; false (and the anomaly) when the fold does not know it or cannot read it.</summary>
    private static bool Apply(string streamType, Dictionary<string, AttributeValue> @event, State state, List<Drift> drifts)
    {
        var key = new ItemKey(@event[Attributes.PK].S, @event[Attributes.SK].S);
        var eventType = @event.GetValueOrDefault(Attributes.EventType)?.S;
        if (eventType is null || !eventType.StartsWith($"{streamType}.", StringComparison.Ordinal) || !Folds.TryGetValue(eventType, out var fold))
        {
            drifts.Add(new Drift(UnknownEvent, key, Attributes.EventType, $"an event type of the {streamType} stream", eventType));
            return false;
        }

        var data = @event.GetValueOrDefault(Attributes.Data)?.S;
        try
        {
            using var json = JsonDocument.Parse(data ?? throw new FormatException("no Data"));
            fold(json.RootElement, state);
            return true;
        }
        catch (Exception e) when (e is JsonException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            drifts.Add(new Drift(UnreadableEvent, key, Attributes.Data, $"{eventType} as JSON ({e.Message})", data));
            return false;
        }
    }

    private static IEnumerable<Drift> Compare(string streamType, string[] fields, State state, Dictionary<string, AttributeValue> item)
    {
        var key = new ItemKey(item[Attributes.PK].S, item[Attributes.SK].S);
        if (streamType == "client")
        {
            // The numbers joined in the order of their types, for the contains() filter; absent with the map.
            state[Attributes.PhoneNumbers] = state.Phones.Count == 0 ? null : string.Join('|', state.Phones.Values);
            var found = item.GetValueOrDefault(Attributes.Phones)?.M ?? [];
            foreach (var phoneType in state.Phones.Keys.Union(found.Keys).Order(StringComparer.Ordinal))
            {
                var expected = state.Phones.GetValueOrDefault(phoneType);
                var actual = found.TryGetValue(phoneType, out var number) ? CopySpecs.Text(number) : null;
                if (actual != expected)
                {
                    yield return new Drift("drifted", key, $"{Attributes.Phones}.{phoneType}", expected, actual);
                }
            }
        }

        foreach (var field in fields)
        {
            var expected = state.GetValueOrDefault(field);
            var actual = item.TryGetValue(field, out var value) ? CopySpecs.Text(value) : null;
            if (actual != expected)
            {
                yield return new Drift("drifted", key, field, expected, actual);
            }
        }
    }

    private static string Text(JsonElement e, string property) =>
        e.GetProperty(property).GetString() ?? throw new FormatException($"{property} is null");

    private static string Number(JsonElement e, string property) => CopySpecs.Canonical(e.GetProperty(property).GetDecimal());

    private static long Version(Dictionary<string, AttributeValue> item) => long.Parse(item[Attributes.Version].N, CultureInfo.InvariantCulture);

    /// <summary>The attributes the canonical item should hold, as text (numbers as DynamoDB stores them), and a client's phones.</summary>
    private sealed class State : Dictionary<string, string?>
    {
        public State()
            : base(StringComparer.Ordinal)
        {
        }

        public SortedDictionary<string, string> Phones { get; } = new(StringComparer.Ordinal);
    }
}
