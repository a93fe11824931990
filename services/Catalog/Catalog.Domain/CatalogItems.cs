using System.Globalization;
using Amazon.DynamoDBv2.Model;
using Microservices.Schema;
using Microservices.Schema.Migrations;

namespace Catalog.Domain;

/// <summary>The canonical items of the catalog, written in the same transaction as the events they summarise.</summary>
public static class CatalogItems
{
    public static Dictionary<string, AttributeValue> Author(Author author)
    {
        var key = Keys.Author(author.AuthorId);
        return new()
        {
            [Attributes.PK] = new(key.PK),
            [Attributes.SK] = new(key.SK),
            [Attributes.GSI1PK] = new(Keys.AuthorsIndexPartition),
            [Attributes.GSI1SK] = new(Keys.AuthorsIndexSortKey(author.Name, author.AuthorId)),
            [Attributes.ItemType] = new(ItemTypes.Author),
            [Attributes.AuthorId] = new(author.AuthorId),
            [Attributes.Name] = new(author.Name),
            [Attributes.Version] = Number(author.Version),
        };
    }

    public static Dictionary<string, AttributeValue> Book(Book book)
    {
        var key = Keys.Book(book.AuthorId, book.Title);
        return new()
        {
            [Attributes.PK] = new(key.PK),
            [Attributes.SK] = new(key.SK),
            [Attributes.ItemType] = new(ItemTypes.Book),
            [Attributes.BookId] = new(book.BookId),
            [Attributes.AuthorId] = new(book.AuthorId),
            [Attributes.Title] = new(book.Title),
            [Attributes.Genre] = new(book.Genre),
            [Attributes.Price] = Number(book.Price),
            [Attributes.Currency] = new(book.Currency),
            [Attributes.Version] = Number(book.Version),
        };
    }

    /// <summary>A book's copy in its genre's partition, from the book and its author at their versions.</summary>
    public static Dictionary<string, AttributeValue> GenreCopy(Book book, Author author)
    {
        var key = Keys.GenreBook(book.Genre, book.BookId);
        return new()
        {
            [Attributes.PK] = new(key.PK),
            [Attributes.SK] = new(key.SK),
            [Attributes.GSI1PK] = new(Keys.GenrePartition(book.Genre)),
            [Attributes.GSI1SK] = new(Keys.GenreBookSortKey(book.Title)),
            [Attributes.ItemType] = new(ItemTypes.GenreBook),
            [Attributes.BookId] = new(book.BookId),
            [Attributes.AuthorId] = new(book.AuthorId),
            [Attributes.Title] = new(book.Title),
            [Attributes.Genre] = new(book.Genre),
            [Attributes.Price] = Number(book.Price),
            [Attributes.AuthorName] = new(author.Name),
            [Attributes.BookVersion] = Number(book.Version),
            [Attributes.AuthorVersion] = Number(author.Version),
        };
    }

    public static Author ReadAuthor(IReadOnlyDictionary<string, AttributeValue> item) => new(
        item[Attributes.AuthorId].S,
        item[Attributes.Name].S,
        long.Parse(item[Attributes.Version].N, CultureInfo.InvariantCulture));

    public static Book ReadBook(IReadOnlyDictionary<string, AttributeValue> item) => new(
        item[Attributes.BookId].S,
        item[Attributes.AuthorId].S,
        item[Attributes.Title].S,
        item[Attributes.Genre].S,
        decimal.Parse(item[Attributes.Price].N, CultureInfo.InvariantCulture),
        BookCurrency.Of(item),
        long.Parse(item[Attributes.Version].N, CultureInfo.InvariantCulture));


    public static AttributeValue Number(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    public static AttributeValue Number(decimal value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };
}
