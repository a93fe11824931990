using Amazon.DynamoDBv2.Model;
using Microservices.SingleTable;

namespace Microservices.Migrations;

/// <summary>
/// The services' side of the in-place migrations: an item of a migration's types is written in its new shape while
/// that migration writes it (<see cref="MigrationStates.WritesNewShapeAsync"/>: from the start of its up run until a
/// down run starts), and as it is otherwise.
/// </summary>
public sealed class MigrationShaper(MigrationStates states, IEnumerable<InPlaceMigration> migrations) : IItemShaper
{
    private readonly IReadOnlyList<InPlaceMigration> _migrations = [.. migrations.OrderBy(m => m.Version)];

    public async ValueTask<Func<Dictionary<string, AttributeValue>, Dictionary<string, AttributeValue>>> CurrentAsync(CancellationToken cancellationToken)
    {
        var writing = new List<InPlaceMigration>();
        foreach (var migration in _migrations)
        {
            if (await states.WritesNewShapeAsync(migration.Version, cancellationToken))
            {
                writing.Add(migration);
            }
        }

        return writing.Count == 0
            ? item => item
            : item => writing.Aggregate(item, (shaped, m) =>
                shaped.GetValueOrDefault(TableLayout.ItemType)?.S is { } type && m.ItemTypes.Contains(type) ? m.NewShape(shaped) : shaped);
    }
}
