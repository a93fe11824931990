using System.Globalization;
using Amazon.DynamoDBv2.Model;
using Microservices.Shared.Schema;

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

    /// <summary>An attribute as text: strings as they are, numbers normalised (so 10.990 equals 10.99).</summary>
    public static string? Text(AttributeValue value) =>
        value?.S ?? (value?.N is null ? null : decimal.Parse(value.N, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture));
}
