using Microservices.Streams.Lambda;

namespace Microservices.Streams;

/// <summary>Filters for <see cref="StreamConsumerOptions.Filter"/>.</summary>
public static class RecordFilter
{
    /// <summary>
    /// Records whose item (the new image, or the old one for a removal) has the string attribute
    /// <paramref name="attribute"/> equal to one of <paramref name="values"/>; Lambda's
    /// <c>{"dynamodb":{"NewImage":{"attribute":{"S":[values]}}}}</c>, applied to removals too.
    /// </summary>
    public static Func<DynamoDbStreamRecord, bool> StringAttribute(string attribute, params string[] values)
    {
        ArgumentException.ThrowIfNullOrEmpty(attribute);
        ArgumentNullException.ThrowIfNull(values);
        var wanted = values.ToHashSet(StringComparer.Ordinal);
        return record =>
        {
            var image = record.Dynamodb.NewImage ?? record.Dynamodb.OldImage;
            return image is not null && image.TryGetValue(attribute, out var value) && value.S is { } text && wanted.Contains(text);
        };
    }
}
