using System.Globalization;
using Amazon.DynamoDBv2.Model;
using Microservices.Schema;
using Microservices.SingleTable;

namespace Ops;

/// <summary>
/// What the copies of an item type should hold, read from the one declaration of which attributes are copies
/// (<see cref="ItemTypeSpec.Copies"/>): each copied attribute's source value and the source version beside it.
/// </summary>
public static class CopySpecs
{
    /// <param name="sourceOf">The source item of a source item type, or null when it is gone.</param>
    public static IEnumerable<(string Field, string? Value)> Expected(ItemTypeSpec copyType, Func<string, Dictionary<string, AttributeValue>?> sourceOf)
    {
        ArgumentNullException.ThrowIfNull(copyType);
        ArgumentNullException.ThrowIfNull(sourceOf);
        var versions = new HashSet<string>(StringComparer.Ordinal);
        foreach (var copy in copyType.Copies)
        {
            var source = sourceOf(copy.SourceItemType);
            yield return (copy.Attribute, source is null ? null : Text(source[copy.SourceAttribute]));
            if (versions.Add(copy.VersionAttribute))
            {
                yield return (copy.VersionAttribute, source is null ? null : Text(source[Attributes.Version]));
            }
        }
    }

    /// <summary>
    /// Whether a copy's <paramref name="found"/> value of <paramref name="field"/> is right. Copied values must equal the
    /// source's. A version beside them must be a version the source has had, at most its current one: a copy built from
    /// an older version whose copied values are still the source's is correct (a client's phone change moves the
    /// client's version but changes nothing its orders copy, and is not fanned out), while a version ahead of the
    /// source would make the guard refuse the next real change.
    /// </summary>
    public static bool Holds(ItemTypeSpec copyType, string field, string? expected, string? found)
    {
        ArgumentNullException.ThrowIfNull(copyType);
        if (expected is not null && found is not null && copyType.Copies.Any(c => c.VersionAttribute == field))
        {
            return long.TryParse(found, NumberStyles.None, CultureInfo.InvariantCulture, out var copied)
                && copied >= 1
                && copied <= long.Parse(expected, CultureInfo.InvariantCulture);
        }

        return found == expected;
    }

    /// <summary>An attribute as text: strings as they are, numbers normalised (so 10.990 equals 10.99).</summary>
    public static string? Text(AttributeValue value) =>
        value?.S ?? (value?.N is null ? null : Canonical(decimal.Parse(value.N, CultureInfo.InvariantCulture)));

    /// <summary>A number as DynamoDB stores it: no trailing zeros after the point (221.30 is stored as 221.3).</summary>
    public static string Canonical(decimal value) => value.ToString("G29", CultureInfo.InvariantCulture);
}
