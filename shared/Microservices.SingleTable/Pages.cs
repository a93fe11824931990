using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Microservices.SingleTable;

/// <summary>What a list was asked for: how many items, and the key to go on after (null: from the start).</summary>
public sealed record PageRequest(int Limit, Dictionary<string, AttributeValue>? Start);

/// <summary>One page of a list, and the cursor of the next page when there is more.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>
/// Paging every list of every service the same way: <c>?limit=&amp;cursor=</c>, <see cref="DefaultLimit"/> items unless
/// asked for fewer, at most <see cref="MaxLimit"/>. The cursor is the key of the last item returned (what
/// DynamoDB takes as ExclusiveStartKey), as base64url JSON: opaque to a client, and checked on the way back in, so a
/// cursor that was tampered with, or issued by another list, is a 400 naming <c>cursor</c>, never a 500.
/// </summary>
public static class Pages
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 100;

    /// <summary>
    /// Reads <c>limit</c> and <c>cursor</c> from the query string; the cursor must be a key of <paramref name="list"/>.
    /// Null when either is not one this list takes: <see cref="LimitError"/> and <see cref="CursorError"/> say why.
    /// </summary>
    public static PageRequest? Read(string? limit, string? cursor, CursorShape list, out bool limitValid, out bool cursorValid)
    {
        ArgumentNullException.ThrowIfNull(list);
        var pageSize = DefaultLimit;
        limitValid = (limit is null || int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize))
            && pageSize is >= 1 and <= MaxLimit;
        var start = cursor is null ? null : Decode(cursor, list);
        cursorValid = cursor is null || start is not null;
        return limitValid && cursorValid ? new PageRequest(pageSize, start) : null;
    }

    public static string LimitError => $"limit must be a whole number from 1 to {MaxLimit}.";

    public static string CursorError => "cursor is not one this list issued; start again without it.";

    /// <summary>The page a query asks for, read once it was validated.</summary>
    public static PageRequest Read(string? limit, string? cursor, CursorShape list) =>
        Read(limit, cursor, list, out _, out _) ?? throw new ArgumentException("The page was not validated.", nameof(limit));

    /// <summary>Reads the page <paramref name="page"/> asks for, with the cursor of the next one when there is more.</summary>
    public static async Task<(List<Dictionary<string, AttributeValue>> Items, string? NextCursor)> QueryPageAsync(
        this IAmazonDynamoDB dynamo, QueryRequest request, PageRequest page, CursorShape list, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        return await dynamo.QueryPageAsync(request, page.Limit, page.Start, list, cancellationToken);
    }

    /// <summary>
    /// Reads up to <paramref name="limit"/> items from where <paramref name="start"/> left off. It asks for one item more
    /// than it returns, so a cursor is given only when another page really exists.
    /// </summary>
    private static async Task<(List<Dictionary<string, AttributeValue>> Items, string? NextCursor)> QueryPageAsync(
        this IAmazonDynamoDB dynamo, QueryRequest request, int limit, Dictionary<string, AttributeValue>? start, CursorShape list,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dynamo);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(list);
        var items = new List<Dictionary<string, AttributeValue>>();
        request.ExclusiveStartKey = start;
        do
        {
            // A filtered Query counts the items it drops toward Limit: read full pages then, and cut what is over.
            request.Limit = request.FilterExpression is null ? limit + 1 - items.Count : MaxLimit;
            var page = await dynamo.QueryAsync(request, cancellationToken);
            items.AddRange(page.Items ?? []);
            request.ExclusiveStartKey = page.LastEvaluatedKey is { Count: > 0 } ? page.LastEvaluatedKey : null;
        }
        while (items.Count <= limit && request.ExclusiveStartKey is not null);

        if (items.Count <= limit)
        {
            return (items, null);
        }

        items.RemoveRange(limit, items.Count - limit);
        return (items, Encode(items[^1], list));
    }

    public static string Encode(IReadOnlyDictionary<string, AttributeValue> item, CursorShape list)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(list);
        var key = list.Attributes.ToDictionary(a => a, a => item[a].S, StringComparer.Ordinal);
        return Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(key));
    }

    /// <summary>What DynamoDB allows a key attribute of a cursor: a sort key (SK, GSI1SK, ...) 1,024 bytes, a partition key 2,048.</summary>
    private static int MaxKeyBytes(string attribute) =>
        attribute.EndsWith("SK", StringComparison.Ordinal) ? DynamoDbLimits.MaxSortKeyBytes : DynamoDbLimits.MaxPartitionKeyBytes;

    private static Dictionary<string, AttributeValue>? Decode(string cursor, CursorShape list)
    {
        Dictionary<string, string>? key;
        try
        {
            key = JsonSerializer.Deserialize<Dictionary<string, string>>(Base64Url.DecodeFromChars(cursor));
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }

        var valid = key is not null
            && key.Count == list.Attributes.Count
            && list.Attributes.All(a => key.TryGetValue(a, out var value) && !string.IsNullOrEmpty(value) && Encoding.UTF8.GetByteCount(value) <= MaxKeyBytes(a))
            && list.Fixed.All(f => key[f.Attribute] == f.Value)
            && list.Prefixes.GroupBy(p => p.Attribute, StringComparer.Ordinal).All(g => g.Any(p => key[g.Key].StartsWith(p.Prefix, StringComparison.Ordinal)));
        return valid ? key!.ToDictionary(k => k.Key, k => new AttributeValue(k.Value), StringComparer.Ordinal) : null;
    }
}

/// <summary>
/// The key a list's cursor must carry: its attributes, the values it must repeat (the partition being listed) and
/// the prefixes its sort keys must keep (the key condition), so a cursor can only continue the list that issued it.
/// An attribute given several prefixes must start with one of them (a list whose items come in two shapes).
/// </summary>
public sealed record CursorShape(
    IReadOnlyList<string> Attributes,
    IReadOnlyList<(string Attribute, string Value)> Fixed,
    IReadOnlyList<(string Attribute, string Prefix)> Prefixes);
