
namespace Microservices.Tests.Infrastructure;

/// <summary>
/// Commands through the Catalog API in phases, so a test can break something between phases: several authors at
/// once, each adding books to a few genres and now and then being renamed.
/// </summary>
public sealed class CatalogLoad
{
    private static readonly string[] Genres = ["load-fantasy", "load-crime", "load-poetry"];

    private readonly ApiClient _catalog;
    private readonly List<Author> _authors;
    private int _books;

    private CatalogLoad(ApiClient catalog, List<Author> authors)
    {
        _catalog = catalog;
        _authors = authors;
    }

    /// <summary>Every book added so far; each must end with exactly one genre copy.</summary>
    public int Books => Volatile.Read(ref _books);

    public static async Task<CatalogLoad> RegisterAsync(ApiClient catalog, int authors)
    {
        var registered = new List<Author>();
        for (var i = 0; i < authors; i++)
        {
            var (id, version) = await catalog.RegisterAuthorAsync($"Load Author {i}");
            registered.Add(new Author(id, version));
        }

        return new CatalogLoad(catalog, registered);
    }

    /// <summary>Each author takes <paramref name="steps"/> more steps, all authors at once: three books, then a rename.</summary>
    public Task RunAsync(int steps) => Task.WhenAll(_authors.Select(author => RunAsync(author, steps)));

    private async Task RunAsync(Author author, int steps)
    {
        for (var i = 0; i < steps; i++)
        {
            var step = author.Steps++;
            if (step % 4 == 3)
            {
                author.Version = await _catalog.RenameAuthorAsync(author.Id, $"Load Author {author.Id[^6..]} ({step})", author.Version);
            }
            else
            {
                await _catalog.AddBookAsync(author.Id, $"Book {step:D3}", Genres[step % Genres.Length], 10m + step);
                Interlocked.Increment(ref _books);
            }
        }
    }

    /// <summary>What the Ops check reports now: missing, drifted and orphaned copies.</summary>
    public static async Task<IReadOnlyList<Drift>> DriftAsync(DynamoDbOptions tables)
    {
        using var client = DynamoDbLocalFixture.CreateClient(tables);
        return await GenreCopyCheck.RunAsync(client, tables.TableName, TestContext.Current.CancellationToken);
    }

    /// <summary>Waits until every book has its copy and the check finds no drift, and fails the test if that never happens.</summary>
    public async Task UntilConvergedAsync(DynamoDbOptions tables, TimeSpan timeout)
    {
        var (copies, drift) = await Eventually.Until(
            async () => ((await TableItems.GenreCopiesAsync(tables)).Count, await DriftAsync(tables)),
            state => state.Item1 == Books && state.Item2.Count == 0,
            timeout,
            $"{Books} genre copies and no drift");
        Assert.Equal(Books, copies);
        Assert.Empty(drift);
    }

    private sealed class Author(string id, long version)
    {
        public string Id { get; } = id;

        public long Version { get; set; } = version;

        public int Steps { get; set; }
    }
}
