using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Microservices.Streams.Lambda;

/// <summary>
/// ApproximateCreationDateTime as DynamoDB streams and Lambda write it: epoch seconds as a JSON number. Reading takes
/// what Amazon.Lambda.DynamoDBEvents takes: whole seconds; epoch milliseconds (a number past the year 5000 in seconds
/// can only be milliseconds, which is how Lambda's own library tells them apart); fractional seconds or exponent
/// notation (1.7955E9), as the Streams API may send; and an ISO 8601 date string. Writing keeps whole seconds
/// integral, so a record read from the Streams API round-trips unchanged. A value outside the calendar is a
/// <see cref="JsonException"/>, never an <see cref="ArgumentOutOfRangeException"/>.
/// </summary>
public sealed class EpochSecondsJsonConverter : JsonConverter<DateTimeOffset>
{
    // Seconds from the epoch to the year 5000: a larger count is milliseconds.
    private const decimal MillisecondsAbove = 95_617_584_000m;

    private static readonly decimal MaxTicks = (DateTimeOffset.MaxValue - DateTimeOffset.UnixEpoch).Ticks;
    private static readonly decimal MinTicks = (DateTimeOffset.MinValue - DateTimeOffset.UnixEpoch).Ticks;

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.TryGetDateTimeOffset(out var date)
                ? date
                : throw new JsonException($"ApproximateCreationDateTime '{reader.GetString()}' is neither epoch seconds nor an ISO 8601 date.");
        }

        if (reader.TokenType != JsonTokenType.Number)
        {
            throw new JsonException($"Expected epoch seconds as a number, found {reader.TokenType}.");
        }

        // decimal keeps sub-second digits exactly; double is the fallback for exponent notation beyond decimal's range.
        decimal number;
        if (!reader.TryGetDecimal(out number))
        {
            var wide = reader.GetDouble();
            if (double.IsNaN(wide) || Math.Abs(wide) > (double)(MillisecondsAbove * 1_000_000m))
            {
                throw new JsonException($"ApproximateCreationDateTime {wide} is outside the calendar.");
            }

            number = (decimal)wide;
        }

        // Past a thousand times the year 5000 in milliseconds no scaling stays in the calendar (nor in a decimal).
        if (Math.Abs(number) > MillisecondsAbove * 1_000_000m)
        {
            throw new JsonException($"ApproximateCreationDateTime {number} is outside the calendar.");
        }

        var ticks = Math.Abs(number) > MillisecondsAbove ? number * TimeSpan.TicksPerMillisecond : number * TimeSpan.TicksPerSecond;
        if (ticks > MaxTicks || ticks < MinTicks)
        {
            throw new JsonException($"ApproximateCreationDateTime {number} is outside the calendar.");
        }

        return DateTimeOffset.UnixEpoch.AddTicks((long)Math.Round(ticks));
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
