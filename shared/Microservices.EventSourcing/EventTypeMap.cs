using System.Text.Json;

namespace Microservices.EventSourcing;

/// <summary>
/// Stable, versioned names for event types ("author.renamed.v1"), never the CLR name, so a rename or a move of
/// a class cannot orphan the events already stored. Each registration also says which integration contract the event
/// is published as, if any: the event store records that contract on the event item at append time, so the relay
/// that publishes it needs no service's code.
/// </summary>
public sealed class EventTypeMap
{
    /// <summary>
    /// The <c>ContractType</c> of an event its service keeps to itself. An event item written before contracts were
    /// recorded has no <c>ContractType</c> at all, which is how the relay tells the two apart.
    /// </summary>
    public const string NoContract = "none";

    private readonly Dictionary<string, Type> _typesByName = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, string> _namesByType = [];
    private readonly Dictionary<Type, Func<object, EventEnvelope, object>> _contractsByType = [];
    private readonly Dictionary<string, (Type Stored, Type Event, Func<object, object> Upcast)> _upcastsByName = new(StringComparer.Ordinal);

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);

    /// <param name="contract">
    /// The integration contract the event is published as, built from the event and where it is stored; none for an
    /// event that stays inside its service.
    /// </param>
    public EventTypeMap Add<TEvent>(string name, Func<TEvent, EventEnvelope, object>? contract = null)
    {
        _typesByName.Add(name, typeof(TEvent));
        _namesByType.Add(typeof(TEvent), name);
        if (contract is not null)
        {
            _contractsByType.Add(typeof(TEvent), (e, envelope) => contract((TEvent)e, envelope));
        }

        return this;
    }

    /// <summary>
    /// An older name of <typeparamref name="TEvent"/>, still stored: its data is read as <typeparamref name="TStored"/>
    /// (the event's old record, kept beside the new one) and handed on as <typeparamref name="TEvent"/>. New events of
    /// that type are written under the name <see cref="Add{TEvent}"/> gave it, never under this one.
    /// </summary>
    public EventTypeMap Upcast<TStored, TEvent>(string storedName, Func<TStored, TEvent> upcast)
        where TEvent : notnull
    {
        ArgumentNullException.ThrowIfNull(upcast);
        if (!_namesByType.ContainsKey(typeof(TEvent)))
        {
            throw new InvalidOperationException($"Add {typeof(TEvent).Name} under its current name before its older names.");
        }

        if (_typesByName.TryGetValue(storedName, out var taken))
        {
            throw new InvalidOperationException($"{storedName} is already the name of {taken.Name}.");
        }

        _upcastsByName.Add(storedName, (typeof(TStored), typeof(TEvent), stored => upcast((TStored)stored)));
        return this;
    }

    /// <summary>Every event type by its current name, with the older names it is still read from, oldest first.</summary>
    public IReadOnlyList<(string Name, Type Type, IReadOnlyList<string> Older)> Chains =>
    [
        .. _typesByName.Select(t => (t.Key, t.Value, (IReadOnlyList<string>)[.. _upcastsByName
            .Where(u => u.Value.Event == t.Value).Select(u => u.Key).Order(StringComparer.Ordinal)])),
    ];

    public string NameOf(object @event) =>
        _namesByType.TryGetValue(@event.GetType(), out var name)
            ? name
            : throw new InvalidOperationException($"{@event.GetType().Name} has no event type name.");

    public bool Knows(string name) => _typesByName.ContainsKey(name) || _upcastsByName.ContainsKey(name);

    /// <summary>The integration contract of <paramref name="event"/> stored as <paramref name="envelope"/> says, or null if it has none.</summary>
    public object? ContractOf(object @event, EventEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(@event);
        _ = NameOf(@event);
        return _contractsByType.TryGetValue(@event.GetType(), out var contract) ? contract(@event, envelope) : null;
    }

    public static string Serialize(object @event) => JsonSerializer.Serialize(@event, @event.GetType(), Json);

    /// <summary>The event stored as <paramref name="name"/>, in its newest shape (upcast when stored under an older name).</summary>
    public object Deserialize(string name, string data)
    {
        if (_typesByName.TryGetValue(name, out var type))
        {
            return JsonSerializer.Deserialize(data, type, Json) ?? throw new InvalidOperationException($"Event {name} is empty.");
        }

        return _upcastsByName.TryGetValue(name, out var older)
            ? older.Upcast(JsonSerializer.Deserialize(data, older.Stored, Json) ?? throw new InvalidOperationException($"Event {name} is empty."))
            : throw new InvalidOperationException($"Unknown event type {name}.");
    }
}

/// <summary>Where an event is stored: what its integration contract carries besides the event's own data.</summary>
public sealed record EventEnvelope(StreamName Stream, long Version, DateTimeOffset RecordedAt)
{
    /// <summary>The event's id, derived from its stream and version: every publish of the same event carries it.</summary>
    public Guid EventId => EventIds.For(Stream.Type, Stream.Id, Version);

    /// <summary>The stream as contracts name it, e.g. <c>author-0193…</c>.</summary>
    public string StreamId => Stream.ToString();
}
