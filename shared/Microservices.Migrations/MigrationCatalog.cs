namespace Microservices.Migrations;

/// <summary>The migrations this code knows, in version order: 1, 2, 3... with no gap and no name twice.</summary>
public sealed class MigrationCatalog
{
    public MigrationCatalog(IEnumerable<Migration> migrations)
    {
        ArgumentNullException.ThrowIfNull(migrations);
        All = [.. migrations.OrderBy(m => m.Version)];
        for (var i = 0; i < All.Count; i++)
        {
            if (All[i].Version != i + 1)
            {
                throw new ArgumentException($"Migration versions must run 1, 2, 3... without a gap or a repeat; found {All[i]} at place {i + 1}.", nameof(migrations));
            }
        }

        if (All.GroupBy(m => m.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new ArgumentException($"Two migrations are named {twice.Key}.", nameof(migrations));
        }
    }

    public IReadOnlyList<Migration> All { get; }

    /// <summary>The latest version this code knows (0 when it knows none).</summary>
    public int Latest => All.Count;

    public Migration? Find(int version) => version >= 1 && version <= All.Count ? All[version - 1] : null;
}
