using System.Text.Json;

namespace Microservices.EventSourcing;

/// <summary>
/// Stable, versioned names for event types ("author.renamed.v1"), never the CLR name, so a rename or a move of
/// a class cannot orphan the events already stored.
/// </summary>
public sealed class EventTypeMap
{
    private readonly Dictionary<string, Type> _typesByName = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, string> _namesByType = [];

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);

    public EventTypeMap Add<TEvent>(string name)
    {
        _typesByName.Add(name, typeof(TEvent));
        _namesByType.Add(typeof(TEvent), name);
        return this;
    }

    public string NameOf(object @event) =>
        _namesByType.TryGetValue(@event.GetType(), out var name)
            ? name
            : throw new InvalidOperationException($"{@event.GetType().Name} has no event type name.");

    public bool Knows(string name) => _typesByName.ContainsKey(name);

    public static string Serialize(object @event) => JsonSerializer.Serialize(@event, @event.GetType(), Json);

    public object Deserialize(string name, string data) =>
        _typesByName.TryGetValue(name, out var type)
            ? JsonSerializer.Deserialize(data, type, Json) ?? throw new InvalidOperationException($"Event {name} is empty.")
            : throw new InvalidOperationException($"Unknown event type {name}.");
}
