using System.Globalization;
using System.Text.Json;
using Amazon.DynamoDBv2.Model;
using Microservices.Schema;
using Microservices.Schema.Migrations;
using Microservices.SingleTable;

namespace Ops;

/// <summary>
/// Invariant 1, its second half: the fold of a stream's events equals its canonical item. The events' <c>Data</c> is
/// read here with <see cref="JsonDocument"/>, by event type, and folded into the attributes the canonical item should
/// hold: an author's Name; a book's Title, Genre, Price, Currency (where the item has one), AuthorId; a client's Name, Email, Phones (type -> number) and
/// PhoneNumbers; an order's ClientId, Status, PlacedAt, Total and LineCount. It shares nothing with the services'
/// event records or folds, so a service that writes an item its own events do not say is caught.
/// An event type the fold does not know is reported (<c>unknown-event</c>), as is one whose Data it cannot read
/// (<c>unreadable-event</c>); the stream is then not compared, since its fold is unknown. A stream with a gap is not
/// compared either (<see cref="StreamCheck"/> reports the gap), nor is one without a canonical item.
/// Every snapshot on an event (<c>Snapshot</c>, the state a command starts from) must equal the fold of the events up to
/// and including that one: its JSON is read here too, by its documented property names, never by the services' state
/// records, and compared with this fold (<c>drifted</c>, at the event's key, field <c>Snapshot.{attribute}</c>), or
/// reported <c>unreadable-snapshot</c> when it cannot be read.
/// </summary>
public static class StreamFold
{
    public const string UnknownEvent = "unknown-event";
    public const string UnreadableEvent = "unreadable-event";
    public const string UnreadableSnapshot = "unreadable-snapshot";

    /// <summary>
    /// Attributes an item or snapshot written before they existed lacks (a book's Currency before book.added.v2):
    /// compared where they are there; where one is missing the shapes check says whether it may be.
    /// </summary>
    private static readonly HashSet<string> Later = new(StringComparer.Ordinal) { Attributes.Currency };

    /// <summary>Not an attribute of any item: whether the fold so far ends in a delete, compared with a snapshot's <c>deleted</c>.</summary>
    private const string Deleted = "Deleted";

    /// <summary>The attributes compared, per stream type; Phones (a map) is compared entry by entry besides them.</summary>
    private static readonly Dictionary<string, string[]> Compared = new(StringComparer.Ordinal)
    {
        ["author"] = [Attributes.Name],
        ["book"] = [Attributes.Title, Attributes.Genre, Attributes.Price, Attributes.Currency, Attributes.AuthorId],
        ["client"] = [Attributes.Name, Attributes.Email, Attributes.PhoneNumbers],
        ["order"] = [Attributes.ClientId, Attributes.Status, Attributes.PlacedAt, Attributes.Total, Attributes.LineCount],
    };

    /// <summary>Every event type the fold knows, and what it does to the state. Types are stable names, never CLR names.</summary>
    private static readonly Dictionary<string, Action<JsonElement, State>> Folds = new(StringComparer.Ordinal)
    {
        ["author.registered.v1"] = (e, s) => s[Attributes.Name] = Text(e, "name"),
        ["author.renamed.v1"] = (e, s) => s[Attributes.Name] = Text(e, "name"),
        ["author.deleted.v1"] = (_, s) => s[Deleted] = "true",
        ["book.added.v1"] = (e, s) =>
        {
            s[Attributes.Title] = Text(e, "title");
            s[Attributes.Genre] = Text(e, "genre");
            s[Attributes.Price] = Number(e, "price");
            s[Attributes.Currency] = BookCurrency.Before; // v1 had no currency: every price was in this one
            s[Attributes.AuthorId] = Text(e, "authorId");
        },
        ["book.added.v2"] = (e, s) =>
        {
            s[Attributes.Title] = Text(e, "title");
            s[Attributes.Genre] = Text(e, "genre");
            s[Attributes.Price] = Number(e, "price");
            s[Attributes.Currency] = Text(e, "currency");
            s[Attributes.AuthorId] = Text(e, "authorId");
        },
        ["book.price-changed.v1"] = (e, s) => s[Attributes.Price] = Number(e, "price"),
        ["book.genre-changed.v1"] = (e, s) => s[Attributes.Genre] = Text(e, "genre"),
        ["book.retitled.v1"] = (e, s) => s[Attributes.Title] = Text(e, "title"),
        ["book.deleted.v1"] = (_, s) => s[Deleted] = "true",
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
            s[Attributes.ClientId] = Text(e, "clientId");
            s[Attributes.Status] = "placed";
            PlacedWith(e, s);
        },
        ["order.paid.v1"] = (_, s) => s[Attributes.Status] = "paid",
        ["order.shipped.v1"] = (_, s) => s[Attributes.Status] = "shipped",
        ["order.cancelled.v1"] = (_, s) => s[Attributes.Status] = "cancelled",
    };

    /// <summary>
    /// How a snapshot's JSON is read, per stream type: the property holding the id (compared with the stream's id, as
    /// the attribute the canonical item keeps it in) and the properties read into the fold's attributes. Every snapshot
    /// also says its <c>version</c> (compared with its event's) and an author's or book's whether it is <c>deleted</c>.
    /// </summary>
    private static readonly Dictionary<string, (string IdProperty, string IdAttribute, Action<JsonElement, State> Read)> Snapshots =
        new(StringComparer.Ordinal)
        {
            ["author"] = ("authorId", Attributes.AuthorId, (j, s) =>
            {
                s[Attributes.Name] = Text(j, "name");
                ReadDeleted(j, s);
            }),
            ["book"] = ("bookId", Attributes.BookId, (j, s) =>
            {
                s[Attributes.Title] = Text(j, "title");
                s[Attributes.Genre] = Text(j, "genre");
                s[Attributes.Price] = Number(j, "price");
                if (j.TryGetProperty("currency", out _))
                {
                    s[Attributes.Currency] = Text(j, "currency");
                }

                s[Attributes.AuthorId] = Text(j, "authorId");
                ReadDeleted(j, s);
            }),
            ["client"] = ("clientId", Attributes.ClientId, (j, s) =>
            {
                s[Attributes.Name] = Text(j, "name");
                s[Attributes.Email] = Text(j, "email");
                foreach (var phone in j.GetProperty("phones").EnumerateObject())
                {
                    s.Phones[phone.Name] = phone.Value.GetString() ?? throw new FormatException($"phones.{phone.Name} is null");
                }
            }),
            ["order"] = ("orderId", Attributes.OrderId, (j, s) =>
            {
                s[Attributes.ClientId] = Text(j, "clientId");
                s[Attributes.Status] = Text(j, "status");
                PlacedWith(j, s);
            }),
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
            var contiguous = true;
            for (var i = 0; i < events.Count; i++)
            {
                folded &= Apply(type, events[i], state, drifts);
                contiguous &= Version(events[i]) == i + 1;
                if (folded && contiguous && events[i].GetValueOrDefault(Attributes.Snapshot)?.S is { } snapshot)
                {
                    drifts.AddRange(CompareSnapshot(type, id, events[i], snapshot, state));
                }
            }

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
        if (streamType == "client")
        {
            // The numbers joined in the order of their types, for the contains() filter; absent with the map.
            state[Attributes.PhoneNumbers] = state.Phones.Count == 0 ? null : string.Join('|', state.Phones.Values);
        }

        var found = new State();
        foreach (var field in fields)
        {
            found[field] = item.TryGetValue(field, out var value) ? CopySpecs.Text(value) : null;
        }

        foreach (var (phoneType, number) in item.GetValueOrDefault(Attributes.Phones)?.M ?? [])
        {
            found.Phones[phoneType] = CopySpecs.Text(number) ?? "";
        }

        return Differences(new ItemKey(item[Attributes.PK].S, item[Attributes.SK].S), "", [.. fields.Where(f => !Later.Contains(f) || found[f] is not null)], state, found);
    }

    /// <summary>A snapshot against the fold of the events up to its own: every attribute the fold gives, its id and version.</summary>
    private static IEnumerable<Drift> CompareSnapshot(
        string streamType, string id, Dictionary<string, AttributeValue> @event, string snapshot, State state)
    {
        var key = new ItemKey(@event[Attributes.PK].S, @event[Attributes.SK].S);
        if (!Snapshots.TryGetValue(streamType, out var reader))
        {
            return [];
        }

        var found = new State();
        try
        {
            using var json = JsonDocument.Parse(snapshot);
            found[reader.IdAttribute] = Text(json.RootElement, reader.IdProperty);
            found[Attributes.Version] = json.RootElement.GetProperty("version").GetInt64().ToString(CultureInfo.InvariantCulture);
            reader.Read(json.RootElement, found);
        }
        catch (Exception e) when (e is JsonException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            return [new Drift(UnreadableSnapshot, key, Attributes.Snapshot, $"the {streamType} state as JSON ({e.Message})", snapshot)];
        }

        var expected = new State();
        foreach (var (field, value) in state)
        {
            expected[field] = value;
        }

        foreach (var (phoneType, number) in state.Phones)
        {
            expected.Phones[phoneType] = number;
        }

        expected[reader.IdAttribute] = id;
        expected[Attributes.Version] = @event[Attributes.Version].N;
        var fields = found.Keys.Union(expected.Keys)
            .Where(f => f != Attributes.PhoneNumbers && (!Later.Contains(f) || found.ContainsKey(f)))
            .Order(StringComparer.Ordinal).ToArray();
        return Differences(key, $"{Attributes.Snapshot}.", fields, expected, found);
    }

    private static IEnumerable<Drift> Differences(ItemKey key, string prefix, string[] fields, State expected, State found)
    {
        foreach (var phoneType in expected.Phones.Keys.Union(found.Phones.Keys).Order(StringComparer.Ordinal))
        {
            var (want, have) = (expected.Phones.GetValueOrDefault(phoneType), found.Phones.GetValueOrDefault(phoneType));
            if (want != have)
            {
                yield return new Drift("drifted", key, $"{prefix}{Attributes.Phones}.{phoneType}", want, have);
            }
        }

        foreach (var field in fields)
        {
            var (want, have) = (expected.GetValueOrDefault(field), found.GetValueOrDefault(field));
            if (want != have)
            {
                yield return new Drift("drifted", key, prefix + field, want, have);
            }
        }
    }

    /// <summary>An order's placed time (UTC, fixed width), total (price x quantity over the lines) and line count, from an event or a snapshot.</summary>
    private static void PlacedWith(JsonElement e, State s)
    {
        var lines = e.GetProperty("lines").EnumerateArray().ToList();
        s[Attributes.PlacedAt] = e.GetProperty("placedAt").GetDateTimeOffset().UtcDateTime
            .ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
        s[Attributes.Total] = CopySpecs.Canonical(lines.Sum(l => l.GetProperty("price").GetDecimal() * l.GetProperty("quantity").GetDecimal()));
        s[Attributes.LineCount] = CopySpecs.Canonical(lines.Count);
    }

    private static void ReadDeleted(JsonElement snapshot, State s)
    {
        if (snapshot.GetProperty("deleted").GetBoolean())
        {
            s[Deleted] = "true";
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
