using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microservices.Schema;

namespace Ops;

/// <summary>
/// Recomputes every author's book count from a scan of the Book items, grouped by their AuthorId attribute (the
/// worker never counts: it adds and subtracts one a message), and compares it with the worker's AuthorStats items:
/// a live author without a count is missing, a wrong count drifted, a count without its author an orphan. Each
/// book's marker must say counted while the Book item exists and removed once it is gone: a book without a marker is
/// missing it, a marker in the wrong state drifted. A wrong marker is reported even where the count happens to be
/// right, because the next message for that book would move the count the wrong way.
/// </summary>
public static class BookCountCheck
{
    public static async Task<IReadOnlyList<Drift>> RunAsync(IAmazonDynamoDB dynamo, string table, CancellationToken cancellationToken) =>
        Check(await TableSnapshot.ScanAsync(dynamo, table, 1, null, cancellationToken));

    /// <summary>Checks a snapshot of the whole table (<see cref="TableSnapshot"/>).</summary>
    public static IReadOnlyList<Drift> Check(IReadOnlyList<Dictionary<string, AttributeValue>> items)
    {
        var expected = BookCounts.From(items);
        var drifts = new List<Drift>();
        foreach (var authorId in expected.Authors)
        {
            var key = Keys.AuthorStats(authorId);
            var count = expected.BooksOf(authorId).Count.ToString(CultureInfo.InvariantCulture);
            if (!expected.Stats.TryGetValue(authorId, out var stored))
            {
                drifts.Add(new Drift("missing", key, "", null, null));
            }
            else if (stored.GetValueOrDefault(Attributes.BookCount)?.N != count)
            {
                drifts.Add(new Drift("drifted", key, Attributes.BookCount, count, stored.GetValueOrDefault(Attributes.BookCount)?.N));
            }
        }

        drifts.AddRange(expected.Stats.Keys.Where(a => !expected.Authors.Contains(a))
            .Select(a => new Drift("orphan", Keys.AuthorStats(a), "", null, $"no author {a}")));
        foreach (var wrong in expected.WrongMarkers())
        {
            drifts.Add(wrong.Found is null
                ? new Drift("missing", wrong.Key, "", null, null)
                : new Drift("drifted", wrong.Key, Attributes.CountState, wrong.Expected, wrong.Found));
        }

        return drifts;
    }
}

/// <summary>
/// The book counts a snapshot of the table should hold, recomputed from its Author and Book items alone, beside the
/// count items and markers it does hold: shared by the check and the repair, never by the worker.
/// </summary>
public sealed class BookCounts
{
    private readonly Dictionary<string, List<string>> _books = new(StringComparer.Ordinal);

    private BookCounts()
    {
    }

    /// <summary>The ids of the authors whose Author item exists.</summary>
    public HashSet<string> Authors { get; } = new(StringComparer.Ordinal);

    /// <summary>Every AuthorStats item, by author.</summary>
    public Dictionary<string, Dictionary<string, AttributeValue>> Stats { get; } = new(StringComparer.Ordinal);

    /// <summary>Every BookCountMarker, by author then book.</summary>
    public Dictionary<string, Dictionary<string, Dictionary<string, AttributeValue>>> Markers { get; } = new(StringComparer.Ordinal);

    /// <summary>The authors whose count is closed (deleted).</summary>
    public HashSet<string> Closed { get; } = new(StringComparer.Ordinal);

    public static BookCounts From(IReadOnlyList<Dictionary<string, AttributeValue>> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var counts = new BookCounts();
        foreach (var item in items)
        {
            switch (item.GetValueOrDefault(Attributes.ItemType)?.S)
            {
                case ItemTypes.Author:
                    counts.Authors.Add(item[Attributes.AuthorId].S);
                    break;
                case ItemTypes.Book:
                    counts.BooksOfMutable(item[Attributes.AuthorId].S).Add(item[Attributes.BookId].S);
                    break;
                case ItemTypes.AuthorStats:
                    counts.Stats[item[Attributes.AuthorId].S] = item;
                    break;
                case ItemTypes.BookCountMarker:
                    var authorId = item[Attributes.AuthorId].S;
                    if (!counts.Markers.TryGetValue(authorId, out var markers))
                    {
                        counts.Markers[authorId] = markers = new(StringComparer.Ordinal);
                    }

                    markers[item[Attributes.BookId].S] = item;
                    break;
                case ItemTypes.BookCountClosed:
                    counts.Closed.Add(item[Attributes.AuthorId].S);
                    break;
            }
        }

        return counts;
    }

    /// <summary>The ids of the author's books (their Book items).</summary>
    public IReadOnlyList<string> BooksOf(string authorId) => _books.GetValueOrDefault(authorId) ?? [];

    /// <summary>The author's markers that say counted.</summary>
    public int CountedMarkersOf(string authorId) =>
        Markers.GetValueOrDefault(authorId)?.Values.Count(m => m[Attributes.CountState].S == CountStates.Counted) ?? 0;

    /// <summary>
    /// Every marker not in the state its book's existence says: each book with a Book item counted, every other
    /// marker removed. <c>Found</c> is null where the book has no marker.
    /// </summary>
    public IEnumerable<WrongMarker> WrongMarkers()
    {
        foreach (var authorId in _books.Keys.Union(Markers.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var books = BooksOf(authorId).ToHashSet(StringComparer.Ordinal);
            var markers = Markers.GetValueOrDefault(authorId) ?? [];
            foreach (var bookId in books.Where(b => !markers.ContainsKey(b)).Order(StringComparer.Ordinal))
            {
                yield return new WrongMarker(authorId, bookId, CountStates.Counted, null);
            }

            foreach (var (bookId, marker) in markers.OrderBy(m => m.Key, StringComparer.Ordinal))
            {
                var state = books.Contains(bookId) ? CountStates.Counted : CountStates.Removed;
                if (marker[Attributes.CountState].S != state)
                {
                    yield return new WrongMarker(authorId, bookId, state, marker[Attributes.CountState].S);
                }
            }
        }
    }

    private List<string> BooksOfMutable(string authorId)
    {
        if (!_books.TryGetValue(authorId, out var books))
        {
            _books[authorId] = books = [];
        }

        return books;
    }
}

/// <summary>A book's marker that should say <paramref name="Expected"/> and says <paramref name="Found"/> (null: there is none).</summary>
public sealed record WrongMarker(string AuthorId, string BookId, string Expected, string? Found)
{
    public Microservices.SingleTable.ItemKey Key => Keys.BookCountMarker(AuthorId, BookId);
}
