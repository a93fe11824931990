using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CsCheck;

namespace Microservices.Tests.Security.Fuzz;

/// <summary>
/// CsCheck generators of requests from OpenAPI operations: a caller, ids in the path (seeded ones, unknown ones, odd
/// text), query values of each declared type and odd ones, a body drawn from the operation's schema (with plausible
/// values by field name, so that many requests get past validation and reach DynamoDB) and then, as often as not,
/// mutated: wrong types, unknown and duplicated fields, truncated or non-JSON bytes, deep nesting, long arrays, huge
/// strings, extreme numbers; and the content type, valid or not. Shrinking makes a failing request smaller.
/// </summary>
public static partial class FuzzRequests
{
    /// <summary>Text that has broken parsers, keys and encodings somewhere: the table's key delimiters, NUL, lone surrogates, invisible characters.</summary>
    private static readonly string[] OddText =
    [
        "", " ", "\0", "#", "##", "a#b", "CLIENT#", "AUTHOR#x#BOOK#y", "|", "\\", "/", "..", "\uD800", "\uDFFF", "x\uD800y",
        "\u200B", "\uFEFF", "\u202E", "🙂", "é", "漢字", "null", "true", "0", "-1", "1e309", "<script>alert(1)</script>",
        "' OR '1'='1", "${jndi:ldap://x}", "\r\n", "%00", "%s%s%s", new string('x', 1025), new string('€', 400), new string('a', 20_000),
    ];

    /// <summary>
    /// Path segments that are already escaped: bytes no string can hold, and tricks on the path itself. No NUL: the
    /// in-memory test server cannot carry one in a path, and Kestrel refuses it (400) before the application.
    /// </summary>
    private static readonly string[] RawSegments = ["%ED%A0%80", "%2F", "%2e%2e", "%25", "%C0%AF", "%FF", "..%2F..", "%20"];

    private static readonly string[] OddContentTypes =
    [
        "application/json; charset=utf-8", "text/plain", "application/xml", "application/x-www-form-urlencoded", "application/json; charset=bogus", "application/json; charset=\"utf-16\"",
        "application/problem+json", "multipart/form-data; boundary=x", ";;;", "application/json; charset=",
    ];

    public static Gen<FuzzRequest> For(IReadOnlyList<Operation> operations, FuzzPool pool)
    {
        ArgumentNullException.ThrowIfNull(pool);
        var bodies = operations.ToDictionary(o => o, o => o.Body is null ? null : Value(o.Body, "", pool, 0));
        return Gen.Select(Gen.OneOf(operations.ToArray()), Gen.Frequency(FuzzCallers.Drawn.Select(d => (d.Weight, d.Caller)).ToArray())).SelectMany((operation, caller) =>
            Gen.Select(
                PathAndQuery(operation, caller, pool),
                Body(bodies[operation]),
                Gen.Frequency((6, Gen.Const((string?)null)), (1, Gen.OneOf<string?>("fuzz-1", "fuzz-2", "", "bad key with spaces", new string('k', 300)))),
                (path, body, key) => new FuzzRequest(operation, caller, path, body.Bytes, body.ContentType, key)));
    }

    private static Gen<string> PathAndQuery(Operation operation, string caller, FuzzPool pool)
    {
        var path = operation.Parameters.Where(p => p.In == "path")
            .Aggregate(Gen.Const(operation.Path), (template, parameter) => Gen.Select(template, PathValue(parameter.Name, caller, pool),
                (text, value) => text.Replace($"{{{parameter.Name}}}", value, StringComparison.Ordinal)));
        var query = operation.Parameters.Where(p => p.In == "query")
            .Aggregate(Gen.Const(""), (text, parameter) => Gen.Select(text, QueryValue(parameter, caller, pool),
                (before, value) => value is null ? before : $"{before}&{parameter.Name}={value}"));
        var extra = Gen.Frequency((8, Gen.Const("")), (1, Gen.OneOf("&unknown=1", "&limit=1&limit=2", "&cursor=", "&=", "&%FF=%FF")));
        return Gen.Select(path, query, extra, (p, q, e) => q.Length + e.Length == 0 ? p : $"{p}?{(q + e).TrimStart('&')}");
    }

    private static Gen<string> PathValue(string name, string caller, FuzzPool pool) =>
        Gen.Frequency(
            (6, Known(name, caller, pool).Select(Escape)),
            (1, Gen.Const(0).Select(_ => Ids.New())),
            (2, Gen.OneOf(OddText).Where(t => t.Length > 0 && !t.Contains('\0', StringComparison.Ordinal)).Select(Escape)),
            (1, Gen.OneOf(RawSegments)),
            (1, Gen.String.Where(t => t.Length > 0 && !t.Contains('\0', StringComparison.Ordinal)).Select(Escape)));

    /// <summary>Seeded values for a parameter or field by its name; the victim's ids only for callers who must be refused them.</summary>
    private static Gen<string> Known(string name, string caller, FuzzPool pool)
    {
        var victimAllowed = caller != FuzzCallers.Staff;
        IReadOnlyList<string> clients = victimAllowed ? [pool.Caller.ClientId, pool.Victim.ClientId] : [pool.Caller.ClientId];
        IReadOnlyList<string> orders = victimAllowed ? [.. pool.Caller.OrderIds, .. pool.Victim.OrderIds] : pool.Caller.OrderIds;
        return name.ToUpperInvariant() switch
        {
            "AUTHORID" => Gen.OneOf(pool.AuthorIds.ToArray()),
            "BOOKID" => Gen.OneOf(pool.BookIds.ToArray()),
            "CLIENTID" => Gen.OneOf(clients.ToArray()),
            "ORDERID" => Gen.OneOf(orders.ToArray()),
            "TITLE" or "STARTSWITH" => Gen.OneOf([.. pool.Titles, "D", "Du"]),
            "GENRE" => Gen.OneOf(pool.Genres.ToArray()),
            "TYPE" => Gen.OneOf("mobile", "home", "work"),
            "NAME" => Gen.OneOf("Tove Jansson", "Åsa Larsson", "Fuzz Person"),
            "EMAIL" => Gen.Int[0, 50].Select(n => $"fuzz{n}@example.se"),
            "STATUS" => Gen.OneOf("placed", "shipped", "cancelled", "PLACED"),
            "ADDRESSID" => Gen.Const(0).Select(_ => Ids.New()),
            "STREET" => Gen.OneOf("Storgatan 1", "Drottninggatan 12"),
            "CITY" => Gen.OneOf("Uppsala", "Lund"),
            "POSTALCODE" => Gen.OneOf("753 20", "222 21"),
            "COUNTRY" => Gen.OneOf("SE", "FI", "se", "Sweden"),
            "CURRENCY" => Gen.OneOf("EUR", "SEK", "XXX"),
            "PHONE" or "NUMBER" => Gen.OneOf("+46 70 123 45 67", "018-12 34 56", "12"),
            _ => Gen.OneOf("fuzz", "Fuzz value"),
        };
    }

    private static Gen<string?> QueryValue(OperationParameter parameter, string caller, FuzzPool pool)
    {
        var types = Types(parameter.Schema);
        Gen<string> typed = parameter.Name.Equals("cursor", StringComparison.OrdinalIgnoreCase)
            ? Cursor(caller, pool)
            : types.Contains("integer") || types.Contains("number")
                ? Gen.Frequency((5, Gen.Int[0, 120].Select(n => n.ToString(CultureInfo.InvariantCulture))),
                    (1, Gen.OneOf("-1", "0", "2147483648", "99999999999999999999", "1.5", "1e3", "0x10", "abc", " 1")))
                : Known(parameter.Name, caller, pool);
        return Gen.Frequency(
            (parameter.Required ? 1 : 4, Gen.Const((string?)null)),
            (8, typed.Select(v => (string?)Uri.EscapeDataString(v))),
            (2, Gen.OneOf(OddText).Select(t => (string?)Escape(t))));
    }

    /// <summary>A cursor: one an answer handed out (perhaps to someone else, for another list), one forged onto the victim's keys, or noise.</summary>
    private static Gen<string> Cursor(string caller, FuzzPool pool)
    {
        var victimKeys = caller == FuzzCallers.Staff ? pool.Caller.ClientId : pool.Victim.ClientId;
        var forged = Gen.Select(Gen.OneOf("PK", "SK", "GSI1PK", "GSI1SK", "GSI2PK", "GSI2SK", "pk", "").List[1, 4], Gen.OneOf(
                Keys.ClientPartition(victimKeys), Keys.OrdersPrefix, Keys.ClientOrdersIndexKey(victimKeys), "#", "", new string('k', 3000)).List[4])
            .Select((attributes, values) => Base64Url(JsonSerializer.SerializeToUtf8Bytes(
                attributes.Distinct().Select((a, i) => (a, values[i])).ToDictionary(p => p.a, p => p.Item2))));
        return Gen.Frequency(
            (4, Gen.Const(0).Select(_ => pool.CursorsFor(caller)).SelectMany(known => known.Count == 0 ? forged : Gen.OneOf(known.ToArray()))),
            (3, forged),
            (1, Gen.OneOf("", "e30", "bm90IGpzb24", "!!!", "W10", "eyJQSyI6MX0", "%FF%FE")));
    }

    private sealed record GeneratedBody(byte[]? Bytes, string? ContentType);

    private static Gen<GeneratedBody> Body(Gen<JsonNode?>? schema)
    {
        var contentType = Gen.Frequency((12, Gen.Const((string?)"application/json")), (2, Gen.OneOf<string?>([.. OddContentTypes, null])));
        if (schema is null)
        {
            return Gen.Frequency(
                (8, Gen.Const(new GeneratedBody(null, null))),
                (1, Gen.Select(Gen.OneOf("{}", "[]", "x", "{\"a\":1}"), contentType, (text, type) => new GeneratedBody(Encoding.UTF8.GetBytes(text), type))));
        }

        return Gen.Select(schema, Mutation, contentType, (node, mutation, type) =>
            new GeneratedBody(Mutate(Raw().Replace(node?.ToJsonString() ?? "null", "$1"), mutation), type));
    }

    /// <summary>What becomes of the JSON text: most often nothing, else one way of breaking it (the number picks the cut, depth or length).</summary>
    private static readonly Gen<(int Kind, int Size)> Mutation = Gen.Select(
        Gen.Frequency((3, Gen.Const(0)), (1, Gen.Int[1, 11])), Gen.Int[0, 5000], (kind, size) => (kind, size));

    private static byte[]? Mutate(string text, (int Kind, int Size) mutation) => mutation.Kind switch
    {
        0 => Encoding.UTF8.GetBytes(text),
        1 => Encoding.UTF8.GetBytes(text[..Math.Min(mutation.Size % 200, text.Length)]),
        2 => Encoding.UTF8.GetBytes(text.Length > 1 && text[0] == '{' ? "{\"name\":1," + text[1..] : text),
        3 => Encoding.UTF8.GetBytes(text.Length > 2 && text[0] == '{' ? $"{{\"zzUnknown\":true,{text[1..]}" : text),
        4 => [.. Enumerable.Range(0, mutation.Size % 64).Select(i => (byte)((i * 73) + mutation.Size))],
        5 => null,
        6 => [],
        7 => Encoding.UTF8.GetBytes($"{{\"lines\":{new string('[', 10 + (mutation.Size % 290))}{new string(']', 10 + (mutation.Size % 290))}}}"),
        8 => Encoding.UTF8.GetBytes($"{{\"lines\":[{string.Join(',', Enumerable.Repeat("{}", 90 + mutation.Size))}]}}"),
        9 => Encoding.UTF8.GetBytes(text + new string(' ', 200_000)),
        10 => [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(text)],
        _ => Encoding.Unicode.GetBytes(text),
    };

    /// <summary>A value for <paramref name="schema"/>: plausible for its field most of the time, odd or of the wrong type otherwise.</summary>
    private static Gen<JsonNode?> Value(JsonNode schema, string field, FuzzPool pool, int depth)
    {
        var types = Types(schema);
        var odd = OddValue(depth);
        Gen<JsonNode?> plausible;
        if (types.Contains("object") && depth < 4)
        {
            var properties = schema["properties"]?.AsObject().Select(p => (p.Key, Gen: Value(p.Value!, p.Key, pool, depth + 1))).ToList() ?? [];
            var map = schema["additionalProperties"] is JsonObject additional
                ? Gen.Dictionary(Gen.OneOf("mobile", "home", "work", "", "#", "MOBILE", new string('k', 300)), Value(additional, "phone", pool, depth + 1))[0, 4]
                : Gen.Const(new Dictionary<string, JsonNode?>());
            plausible = properties
                .Aggregate(map.Select(m => new List<(string, JsonNode?)>(m.Select(p => (p.Key, p.Value)))), (list, property) =>
                    Gen.Select(list, Gen.Frequency((1, Gen.Const(false)), (8, Gen.Const(true))), property.Gen, (l, present, value) =>
                    {
                        if (present)
                        {
                            l.Add((property.Key, value));
                        }

                        return l;
                    }))
                .Select(list => (JsonNode?)new JsonObject(list.GroupBy(p => p.Item1).Select(g => KeyValuePair.Create(g.Key, g.First().Item2?.DeepClone()))));
        }
        else if (types.Contains("array") && depth < 4 && schema["items"] is { } items)
        {
            plausible = Gen.Frequency((10, Value(items, field, pool, depth + 1).List[0, 4]), (1, Value(items, field, pool, depth + 1).List[38, 45]))
                .Select(list => (JsonNode?)new JsonArray([.. list.Select(v => v?.DeepClone())]));
        }
        else if (types.Contains("integer") || types.Contains("number"))
        {
            plausible = field.ToUpperInvariant() switch
            {
                "EXPECTEDVERSION" => Gen.Int[0, 4].Select(n => (JsonNode?)JsonValue.Create(n)),
                "QUANTITY" => Gen.Int[1, 3].Select(n => (JsonNode?)JsonValue.Create(n)),
                "PRICE" or "AMOUNT" => Gen.Int[1, 20000].Select(n => (JsonNode?)JsonValue.Create(n / 100m)),
                _ => Gen.Int[-2, 100].Select(n => (JsonNode?)JsonValue.Create(n)),
            };
        }
        else if (types.Contains("boolean"))
        {
            plausible = Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b));
        }
        else
        {
            plausible = Known(field, FuzzCallers.Caller, pool).Select(s => (JsonNode?)JsonValue.Create(s));
        }

        return Gen.Frequency((14, plausible), (1, odd));
    }

    /// <summary>A value of any type, and extreme numbers as raw JSON (written as <c>__raw__…__</c>, replaced after serialising).</summary>
    private static Gen<JsonNode?> OddValue(int depth) => Gen.Frequency(
        (3, Gen.OneOf(OddText).Select(t => (JsonNode?)JsonValue.Create(t))),
        (1, Gen.Const((JsonNode?)null)),
        (1, Gen.OneOf("1e400", "-1e400", "1E-400", "99999999999999999999999999999999", "-0", "0.0000000000000000000000000001", "9223372036854775808", "1.5")
            .Select(n => (JsonNode?)JsonValue.Create($"__raw__{n}__"))),
        (1, Gen.Int.Select(n => (JsonNode?)JsonValue.Create(n))),
        (1, Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b))),
        (1, Gen.Const(depth).Select(_ => (JsonNode?)new JsonObject { ["nested"] = new JsonArray(1, "two", null) })),
        (1, Gen.String.Select(s => (JsonNode?)JsonValue.Create(s))));

    private static HashSet<string> Types(JsonNode? schema) => schema?["type"] switch
    {
        JsonArray array => [.. array.Select(t => t!.GetValue<string>())],
        JsonValue value => [value.GetValue<string>()],
        _ => schema?["properties"] is not null ? ["object"] : ["string"],
    };

    /// <summary>Percent-encodes the UTF-8 of <paramref name="text"/> (a lone surrogate becomes U+FFFD's bytes, as any encoder makes it).</summary>
    private static string Escape(string text)
    {
        var builder = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            var c = (char)b;
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~' ? c : $"%{b:X2}");
        }

        return builder.ToString();
    }

    private static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);

    [GeneratedRegex("\"__raw__(.*?)__\"")]
    private static partial Regex Raw();
}
