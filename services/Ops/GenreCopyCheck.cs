using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microservices.Schema;
using Microservices.SingleTable;

namespace Ops;

/// <summary>One copy that differs from what its sources say it should be.</summary>
public sealed record Drift(string Kind, ItemKey Key, string Field, string? Expected, string? Found)
{
    public override string ToString() => Kind switch
    {
        "missing" => $"missing  {Key.PK} | {Key.SK}",
        "orphan" => $"orphan   {Key.PK} | {Key.SK} ({Found})",
        _ => $"{Kind,-8} {Key.PK} | {Key.SK}  {Field}: expected '{Expected}', found '{Found}'",
    };
}

/// <summary>
/// Recomputes every genre copy from the canonical book and author items and compares it with the copy in the
/// table. It shares nothing with the worker but the key declarations, so a bug in the worker cannot hide here.
/// Every book has exactly one live copy, in its current genre; a copy left in a genre the book moved out of, or of a
/// book that was deleted, is an orphan. Tombstones are where such copies were: they are not copies, but one that
/// sits where a book's live copy belongs hides that copy and is reported as it missing.
/// </summary>
public static class GenreCopyCheck
{
    public static async Task<IReadOnlyList<Drift>> RunAsync(IAmazonDynamoDB dynamo, string table, CancellationToken cancellationToken) =>
        Check(await TableSnapshot.ScanAsync(dynamo, table, 1, null, cancellationToken));

    /// <summary>Checks a snapshot of the whole table (<see cref="TableSnapshot"/>).</summary>
    public static IReadOnlyList<Drift> Check(IReadOnlyList<Dictionary<string, AttributeValue>> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var authors = new Dictionary<string, Dictionary<string, AttributeValue>>(StringComparer.Ordinal);
        var books = new List<Dictionary<string, AttributeValue>>();
        var bookGenres = new Dictionary<string, string>(StringComparer.Ordinal);
        var copies = new Dictionary<ItemKey, Dictionary<string, AttributeValue>>();
        var tombstonesListed = new List<ItemKey>();
        foreach (var item in items)
        {
            switch (item.GetValueOrDefault(Attributes.ItemType)?.S)
            {
                case ItemTypes.Author:
                    authors[item[Attributes.AuthorId].S] = item;
                    break;
                case ItemTypes.Book:
                    books.Add(item);
                    bookGenres[item[Attributes.BookId].S] = item[Attributes.Genre].S;
                    break;
                case ItemTypes.GenreBook:
                    copies[new ItemKey(item[Attributes.PK].S, item[Attributes.SK].S)] = item;
                    break;
                case ItemTypes.GenreBookTombstone when item.ContainsKey(Attributes.GSI1PK):
                    // A tombstone with index keys would show a moved or deleted book in a genre list.
                    tombstonesListed.Add(new ItemKey(item[Attributes.PK].S, item[Attributes.SK].S));
                    break;
            }
        }

        var drifts = tombstonesListed.Select(key => new Drift("drifted", key, Attributes.GSI1PK, null, "a tombstone in the genre index")).ToList();
        foreach (var book in books)
        {
            var genre = book[Attributes.Genre].S;
            var title = book[Attributes.Title].S;
            var key = Keys.GenreBook(genre, book[Attributes.BookId].S);
            if (!copies.Remove(key, out var copy))
            {
                drifts.Add(new Drift("missing", key, "", null, null));
                continue;
            }

            var author = authors.GetValueOrDefault(book[Attributes.AuthorId].S);
            var expected = new (string Field, string? Value)[]
            {
                (Attributes.GSI1PK, Keys.GenrePartition(genre)),
                (Attributes.GSI1SK, Keys.GenreBookSortKey(title)),
                (Attributes.BookId, book[Attributes.BookId].S),
                (Attributes.AuthorId, book[Attributes.AuthorId].S),
                (Attributes.Genre, genre),
            }.Concat(CopySpecs.Expected(TableSchema.GenreBook, type => type == ItemTypes.Book ? book : author));
            foreach (var (field, value) in expected)
            {
                var found = copy.TryGetValue(field, out var attribute) ? attribute.S ?? Number(attribute) : null;
                if (!CopySpecs.Holds(TableSchema.GenreBook, field, value, found))
                {
                    drifts.Add(new Drift("drifted", key, field, value, found));
                }
            }
        }

        drifts.AddRange(copies.Select(c =>
        {
            var bookId = c.Value.GetValueOrDefault(Attributes.BookId)?.S;
            var reason = bookId is not null && bookGenres.TryGetValue(bookId, out var genre)
                ? $"book {bookId} is in genre {genre} now"
                : $"no book {bookId}";
            return new Drift("orphan", c.Key, "", null, reason);
        }));
        return drifts;
    }

    private static string? Number(AttributeValue value) =>
        value.N is null ? null : CopySpecs.Canonical(decimal.Parse(value.N, CultureInfo.InvariantCulture));
}
