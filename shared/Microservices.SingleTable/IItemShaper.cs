using Amazon.DynamoDBv2.Model;

namespace Microservices.SingleTable;

/// <summary>
/// The last say over the items a service writes while the model changes: a migration that has started gives the
/// items of its types their new shape as well, so that from then on nothing is written in the old shape alone.
/// </summary>
public interface IItemShaper
{
    /// <summary>What to do to an item before it is written, as the table's migrations stand now (read at most a few seconds ago).</summary>
    ValueTask<Func<Dictionary<string, AttributeValue>, Dictionary<string, AttributeValue>>> CurrentAsync(CancellationToken cancellationToken);
}

/// <summary>The shaper of a table no migration changes: every item as it is.</summary>
public sealed class UnchangedItems : IItemShaper
{
    private static readonly Func<Dictionary<string, AttributeValue>, Dictionary<string, AttributeValue>> Same = item => item;

    public ValueTask<Func<Dictionary<string, AttributeValue>, Dictionary<string, AttributeValue>>> CurrentAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Same);
}
