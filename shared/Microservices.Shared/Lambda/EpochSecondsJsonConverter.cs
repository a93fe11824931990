using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Microservices.Shared.Lambda;

/// <summary>
/// Epoch seconds as a JSON number, the way DynamoDB streams write ApproximateCreationDateTime. Lambda sends whole
/// seconds, the Streams API may send fractions or exponent notation (1.7955E9), so reading accepts any number and
/// writing keeps whole seconds integral so a record round-trips unchanged.
/// </summary>
public sealed class EpochSecondsJsonConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.Number)
        {
            throw new JsonException($"Expected epoch seconds as a number, found {reader.TokenType}.");
        }

        if (reader.TryGetInt64(out var seconds))
        {
            return DateTimeOffset.FromUnixTimeSeconds(seconds);
        }

        // decimal keeps sub-second digits exactly; double is the fallback for exponent notation.
        var value = reader.TryGetDecimal(out var exact) ? exact : (decimal)reader.GetDouble();
        return DateTimeOffset.UnixEpoch.AddTicks((long)Math.Round(value * TimeSpan.TicksPerSecond));
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var ticks = value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        if (ticks % TimeSpan.TicksPerSecond == 0)
        {
            writer.WriteNumberValue(ticks / TimeSpan.TicksPerSecond);
            return;
        }

        var seconds = (decimal)ticks / TimeSpan.TicksPerSecond;
        writer.WriteRawValue(seconds.ToString("0.#######", CultureInfo.InvariantCulture), skipInputValidation: true);
    }
}
