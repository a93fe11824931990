using System.Text.Json;
using System.Text.Json.Serialization;

namespace Microservices.EventSourcing;

/// <summary>
/// An aggregate's state as the JSON of its snapshot (<see cref="EventItem.Snapshot"/>): the state record's properties
/// that can be set, camelCase, enums by name, computed (get-only) properties left out. Reading is strict so that a
/// snapshot of another shape is refused rather than read wrong: a property the record no longer has, a constructor
/// parameter without a default that the JSON lacks, or a null where the record does not allow one each fail the read,
/// and so does a snapshot whose version is not the version of the event it is stored on. A state record must
/// round-trip exactly through <see cref="Write{TState}"/> and <see cref="TryRead{TState}"/> (each one has a unit test).
/// What the strictness cannot see is a property that keeps its name and type but changes its meaning: give it a new
/// name instead.
/// </summary>
public static class StateSnapshot
{
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        IgnoreReadOnlyProperties = true,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
    };

    public static string Write<TState>(TState state)
        where TState : IAggregateState =>
        JsonSerializer.Serialize(state, Json);

    /// <summary>The state a snapshot holds, or false when it cannot be read as <typeparamref name="TState"/> at <paramref name="version"/>.</summary>
    public static bool TryRead<TState>(string snapshot, long version, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TState? state)
        where TState : IAggregateState
    {
        try
        {
            state = JsonSerializer.Deserialize<TState>(snapshot, Json);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or ArgumentException or InvalidOperationException)
        {
            state = default;
        }

        if (state is not null && state.Version == version)
        {
            return true;
        }

        state = default;
        return false;
    }
}
