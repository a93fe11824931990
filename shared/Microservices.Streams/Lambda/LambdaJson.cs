using System.Text.Json;
using System.Text.Json.Serialization;

namespace Microservices.Streams.Lambda;

/// <summary>
/// The one set of serializer options for stream events, partial batch responses and the Streams API, so every
/// reader and writer agrees on attribute values and on leaving absent fields absent.
/// </summary>
public static class LambdaJson
{
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException($"The JSON was null, expected {typeof(T).Name}.");

    public static async Task<T> DeserializeAsync<T>(Stream json, CancellationToken cancellationToken = default) =>
        await JsonSerializer.DeserializeAsync<T>(json, Options, cancellationToken)
        ?? throw new JsonException($"The JSON was null, expected {typeof(T).Name}.");

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.General)
        {
            // Absent OldImage, userIdentity or eventSourceARN must stay absent rather than become null.
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            // DynamoDB nests documents 32 levels deep and each level is two JSON objects, past the default of 64.
            MaxDepth = 128,
            Converters = { new AttributeValueJsonConverter() },
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
