using System.Text;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;

namespace Microservices.SingleTable;

/// <summary>A request would break one of DynamoDB's hard limits; caught before the call, with the limit named.</summary>
public sealed class DynamoDbLimitException(string limit, long actual, long maximum, string detail)
    : Exception($"{detail} DynamoDB allows {maximum:N0} ({limit}); this would be {actual:N0}.")
{
    public string Limit { get; } = limit;

    public long Actual { get; } = actual;

    public long Maximum { get; } = maximum;
}

/// <summary>
/// DynamoDB's hard limits, checked before each write so a request that would be refused fails here with the limit
/// named instead of as a ValidationException from the service. Item size follows DynamoDB's documented rules:
/// attribute names count, strings count their UTF-8 bytes, numbers one byte per pair of digits plus one,
/// and each map or list entry one byte plus three for the document.
/// </summary>
public static class DynamoDbLimits
{
    public const int MaxItemBytes = 400 * 1024;
    public const int MaxPartitionKeyBytes = 2048;
    public const int MaxSortKeyBytes = 1024;
    public const int MaxTransactionItems = 100;
    public const int MaxBatchWriteItems = 25;

    public static long ItemSize(IReadOnlyDictionary<string, AttributeValue> item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return item.Sum(attribute => Encoding.UTF8.GetByteCount(attribute.Key) + ValueSize(attribute.Value));
    }

    /// <summary>Item size, partition key and sort key of one item to be written.</summary>
    public static void CheckItem(IReadOnlyDictionary<string, AttributeValue> item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var size = ItemSize(item);
        if (size > MaxItemBytes)
        {
            throw new DynamoDbLimitException("item size", size, MaxItemBytes, $"The item {Describe(item)} is too large.");
        }

        CheckKey(item, TableLayout.PK, MaxPartitionKeyBytes, "partition key");
        CheckKey(item, TableLayout.SK, MaxSortKeyBytes, "sort key");
        CheckKey(item, TableLayout.GSI1PK, MaxPartitionKeyBytes, "GSI1 partition key");
        CheckKey(item, TableLayout.GSI1SK, MaxSortKeyBytes, "GSI1 sort key");
    }

    public static void CheckTransaction(TransactWriteItemsRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.TransactItems.Count > MaxTransactionItems)
        {
            throw new DynamoDbLimitException(
                "items per transaction", request.TransactItems.Count, MaxTransactionItems, "The change touches too many items for one transaction.");
        }

        foreach (var write in request.TransactItems)
        {
            if (write.Put?.Item is { } put)
            {
                CheckItem(put);
            }
            else if ((write.Update?.Key ?? write.Delete?.Key ?? write.ConditionCheck?.Key) is { } key)
            {
                CheckItem(key);
            }
        }
    }

    /// <summary>
    /// Checks any write request against the limits; hooked into every client <see cref="DynamoDbServiceCollectionExtensions"/>
    /// creates, so no write anywhere reaches DynamoDB over a limit.
    /// </summary>
    public static void Check(AmazonWebServiceRequest request)
    {
        switch (request)
        {
            case PutItemRequest put:
                CheckItem(put.Item);
                break;
            case UpdateItemRequest update:
                CheckItem(update.Key);
                break;
            case TransactWriteItemsRequest transaction:
                CheckTransaction(transaction);
                break;
            case BatchWriteItemRequest batch:
                CheckBatchWrite(batch);
                break;
        }
    }

    public static void CheckBatchWrite(BatchWriteItemRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var count = request.RequestItems.Sum(table => table.Value.Count);
        if (count > MaxBatchWriteItems)
        {
            throw new DynamoDbLimitException("items per batch write", count, MaxBatchWriteItems, "Too many items for one batch write.");
        }

        foreach (var put in request.RequestItems.SelectMany(t => t.Value).Select(w => w.PutRequest?.Item).OfType<Dictionary<string, AttributeValue>>())
        {
            CheckItem(put);
        }
    }

    private static void CheckKey(IReadOnlyDictionary<string, AttributeValue> item, string attribute, int maximum, string limit)
    {
        if (item.TryGetValue(attribute, out var value) && value.S is { } text && Encoding.UTF8.GetByteCount(text) is var bytes && bytes > maximum)
        {
            throw new DynamoDbLimitException(limit, bytes, maximum, $"The {limit} ({attribute}) of an item is too long; shorten the text that goes into it.");
        }
    }

    private static long ValueSize(AttributeValue value)
    {
        if (value.S is not null)
        {
            return Encoding.UTF8.GetByteCount(value.S);
        }

        if (value.N is not null)
        {
            return NumberSize(value.N);
        }

        if (value.B is not null)
        {
            return value.B.Length;
        }

        if (value.BOOL is not null || value.NULL is not null)
        {
            return 1;
        }

        if (value.M is { Count: > 0 } || value.IsMSet)
        {
            return 3 + (value.M ?? []).Sum(entry => Encoding.UTF8.GetByteCount(entry.Key) + ValueSize(entry.Value) + 1);
        }

        if (value.L is { Count: > 0 } || value.IsLSet)
        {
            return 3 + (value.L ?? []).Sum(element => ValueSize(element) + 1);
        }

        return (value.SS?.Sum(s => (long)Encoding.UTF8.GetByteCount(s)) ?? 0)
            + (value.NS?.Sum(NumberSize) ?? 0)
            + (value.BS?.Sum(b => b.Length) ?? 0);
    }

    /// <summary>
    /// A number is stored as base-100 digits aligned on the decimal point, without leading or trailing zero pairs,
    /// plus one byte, plus one more when negative. AWS documents it as about one byte per two significant digits
    /// plus one; this is exactly what DynamoDB Local counts (12345.678 is 01|23|45|67|80: six bytes).
    /// </summary>
    private static long NumberSize(string number)
    {
        var text = number.Trim();
        var negative = text.StartsWith('-');
        text = text.TrimStart('-', '+');
        var exponent = 0;
        var e = text.IndexOfAny(['e', 'E']);
        if (e >= 0)
        {
            exponent = int.Parse(text[(e + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            text = text[..e];
        }

        var point = text.IndexOf('.', StringComparison.Ordinal);
        var digits = point < 0 ? text : text.Remove(point, 1);
        var integerLength = (point < 0 ? text.Length : point) + exponent;
        // Put the decimal point on a pair boundary, then drop zero pairs at both ends.
        var padLeft = ((integerLength % 2) + 2) % 2;
        var aligned = new string('0', padLeft) + digits;
        if (aligned.Length % 2 == 1)
        {
            aligned += "0";
        }

        var pairs = Enumerable.Range(0, aligned.Length / 2).Select(i => aligned.Substring(i * 2, 2)).ToList();
        var first = pairs.FindIndex(p => p != "00");
        if (first < 0)
        {
            return 1; // zero: no digits at all
        }

        var last = pairs.FindLastIndex(p => p != "00");
        return (last - first + 1) + 1 + (negative ? 1 : 0);
    }

    private static string Describe(IReadOnlyDictionary<string, AttributeValue> item) =>
        item.TryGetValue(TableLayout.PK, out var pk) && item.TryGetValue(TableLayout.SK, out var sk) ? $"{pk.S} / {sk.S}" : "(without keys)";
}
