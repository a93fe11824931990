using System.Text.Json;
using System.Text.Json.Serialization;
using Amazon.DynamoDBv2.Model;

namespace Microservices.Streams.Lambda;

/// <summary>
/// DynamoDB's typed attribute JSON ({"S": "..."}, {"N": "12"}, {"M": {...}} and so on) to and from the SDK's
/// <see cref="AttributeValue"/>. Numbers stay strings, as DynamoDB sends them, so no precision is lost.
/// </summary>
/// <remarks>
/// SDK v4 leaves collection properties null until set, which is what lets an empty map or list be told apart from
/// an absent one: reading always assigns the collection (even empty), writing asks the SDK whether it is set.
/// </remarks>
public sealed class AttributeValueJsonConverter : JsonConverter<AttributeValue>
{
    public override AttributeValue Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        Expect(ref reader, JsonTokenType.StartObject);
        var value = new AttributeValue();
        var found = false;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var type = reader.GetString();
            reader.Read();
            switch (type)
            {
                case "S":
                    value.S = ReadString(ref reader);
                    break;
                case "N":
                    value.N = ReadString(ref reader);
                    break;
                case "B":
                    value.B = new MemoryStream(reader.GetBytesFromBase64());
                    break;
                case "SS":
                    value.SS = ReadStrings(ref reader);
                    break;
                case "NS":
                    value.NS = ReadStrings(ref reader);
                    break;
                case "BS":
                    value.BS = ReadStrings(ref reader).Select(text => new MemoryStream(Convert.FromBase64String(text))).ToList();
                    break;
                case "M":
                    value.M = ReadMap(ref reader, options);
                    break;
                case "L":
                    value.L = ReadList(ref reader, options);
                    break;
                case "NULL":
                    value.NULL = reader.GetBoolean();
                    break;
                case "BOOL":
                    value.BOOL = reader.GetBoolean();
                    break;
                default:
                    throw new JsonException($"Unknown DynamoDB attribute type '{type}'.");
            }

            found = true;
        }

        // DynamoDB Local's Streams API writes an empty map as {} (its GetItem writes {"M":{}}); an empty map is the
        // only value {} can stand for, and real DynamoDB never sends it.
        if (!found)
        {
            value.M = [];
        }

        return value;
    }

    public override void Write(Utf8JsonWriter writer, AttributeValue value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStartObject();
        if (value.S is not null)
        {
            writer.WriteString("S", value.S);
        }
        else if (value.N is not null)
        {
            writer.WriteString("N", value.N);
        }
        else if (value.B is not null)
        {
            writer.WriteBase64String("B", value.B.ToArray());
        }
        else if (value.IsSSSet)
        {
            WriteStrings(writer, "SS", value.SS);
        }
        else if (value.IsNSSet)
        {
            WriteStrings(writer, "NS", value.NS);
        }
        else if (value.IsBSSet)
        {
            WriteStrings(writer, "BS", value.BS.Select(stream => Convert.ToBase64String(stream.ToArray())));
        }
        else if (value.IsMSet)
        {
            writer.WriteStartObject("M");
            foreach (var (name, nested) in value.M)
            {
                writer.WritePropertyName(name);
                Write(writer, nested, options);
            }

            writer.WriteEndObject();
        }
        else if (value.IsLSet)
        {
            writer.WriteStartArray("L");
            foreach (var nested in value.L)
            {
                Write(writer, nested, options);
            }

            writer.WriteEndArray();
        }
        else if (value.BOOL is { } boolean)
        {
            writer.WriteBoolean("BOOL", boolean);
        }
        else if (value.NULL is true)
        {
            writer.WriteBoolean("NULL", true);
        }
        else
        {
            throw new JsonException("The attribute value has no type set, and DynamoDB has no JSON for an untyped value.");
        }

        writer.WriteEndObject();
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType expected)
    {
        if (reader.TokenType != expected)
        {
            throw new JsonException($"Expected {expected} in a DynamoDB attribute value, found {reader.TokenType}.");
        }
    }

    private static string ReadString(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.String);
        return reader.GetString()!;
    }

    private static List<string> ReadStrings(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartArray);
        var items = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            items.Add(ReadString(ref reader));
        }

        return items;
    }

    private Dictionary<string, AttributeValue> ReadMap(ref Utf8JsonReader reader, JsonSerializerOptions options)
    {
        Expect(ref reader, JsonTokenType.StartObject);
        var map = new Dictionary<string, AttributeValue>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString()!;
            reader.Read();
            map[name] = Read(ref reader, typeof(AttributeValue), options);
        }

        return map;
    }

    private List<AttributeValue> ReadList(ref Utf8JsonReader reader, JsonSerializerOptions options)
    {
        Expect(ref reader, JsonTokenType.StartArray);
        var list = new List<AttributeValue>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            list.Add(Read(ref reader, typeof(AttributeValue), options));
        }

        return list;
    }

    private static void WriteStrings(Utf8JsonWriter writer, string type, IEnumerable<string> items)
    {
        writer.WriteStartArray(type);
        foreach (var item in items)
        {
            writer.WriteStringValue(item);
        }

        writer.WriteEndArray();
    }
}
