using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microservices.ServiceDefaults;

namespace Catalog.Api;

/// <summary>One page of a list, and the cursor of the next page when there is more.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>
/// Paging every list the same way: <c>?limit=&amp;cursor=</c>. The cursor is the key of the last item returned (what
/// DynamoDB takes as ExclusiveStartKey), as base64url JSON: opaque to a client, and checked on the way back in, so a
/// cursor that was tampered with, or issued by another list, is a 400 naming <c>cursor</c>, never a 500.
/// </summary>
public static class CatalogPaging
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 100;

    /// <summary>Reads <c>limit</c> and <c>cursor</c> from the query string; the cursor must be a key of <paramref name="list"/>.</summary>
    public static Validation Paging(
        this Validation validation, string? limit, string? cursor, CursorShape list, out int pageSize, out Dictionary<string, AttributeValue>? start)
    {
        ArgumentNullException.ThrowIfNull(validation);
        ArgumentNullException.ThrowIfNull(list);
        pageSize = DefaultLimit;
        var limitRead = limit is null || int.TryParse(limit, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out pageSize);
        validation.Require(limitRead && pageSize is >= 1 and <= MaxLimit, "limit", $"limit must be a whole number from 1 to {MaxLimit}.");
        start = cursor is null ? null : Decode(cursor, list);
        return validation.Require(cursor is null || start is not null, "cursor", "cursor is not one this list issued; start again without it.");
    }

    /// <summary>
    /// Reads up to <paramref name="limit"/> items from where <paramref name="start"/> left off. It asks for one item more
    /// than it returns, so a cursor is given only when another page really exists.
    /// </summary>
    public static async Task<(List<Dictionary<string, AttributeValue>> Items, string? NextCursor)> QueryPageAsync(
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
            request.Limit = limit + 1 - items.Count;
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
            && list.Attributes.All(a => key.TryGetValue(a, out var value) && !string.IsNullOrEmpty(value) && Encoding.UTF8.GetByteCount(value) <= 2048)
            && list.Fixed.All(f => key[f.Attribute] == f.Value)
            && list.Prefixes.All(p => key[p.Attribute].StartsWith(p.Prefix, StringComparison.Ordinal));
        return valid ? key!.ToDictionary(k => k.Key, k => new AttributeValue(k.Value), StringComparer.Ordinal) : null;
    }
}

/// <summary>
/// The key a list's cursor must carry: its attributes, the values it must repeat (the partition being listed) and
/// the prefixes its sort keys must keep (the key condition), so a cursor can only continue the list that issued it.
/// </summary>
public sealed record CursorShape(
    IReadOnlyList<string> Attributes,
    IReadOnlyList<(string Attribute, string Value)> Fixed,
    IReadOnlyList<(string Attribute, string Prefix)> Prefixes);
