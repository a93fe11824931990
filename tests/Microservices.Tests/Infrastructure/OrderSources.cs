using Microservices.Schema.Migrations;
using System.Globalization;
using Catalog.Domain;

namespace Microservices.Tests.Infrastructure;

/// <summary>
/// Writes the books Orders reads but does not own straight into the table, as Catalog's own item mapping writes them,
/// so a test can also change them behind Orders' back. Clients come from the real Clients API (<c>ClientSource</c>).
/// </summary>
public static class OrderSources
{
    public static async Task<Book> WriteBookAsync(
        DynamoDbOptions tables, string authorId, string title, decimal price, string? bookId = null, long version = 1, string currency = "EUR")
    {
        var book = new Book(bookId ?? Ids.New(), authorId, title, "fantasy", price, currency, version);
        using var dynamo = DynamoDbLocalFixture.CreateClient(tables);
        await dynamo.PutItemAsync(new PutItemRequest { TableName = tables.TableName, Item = CatalogItems.Book(book) }, TestContext.Current.CancellationToken);
        return book;
    }

    /// <summary>
    /// The catalog as its worker leaves it once converged: the author item, its book count with each book's marker and each book's genre copy, so that the
    /// whole-table check has nothing of the catalog's to report.
    /// </summary>
    public static async Task WriteConvergedCatalogAsync(DynamoDbOptions tables, Author author, params Book[] books)
    {
        ArgumentNullException.ThrowIfNull(author);
        using var dynamo = DynamoDbLocalFixture.CreateClient(tables);
        await dynamo.PutItemAsync(new PutItemRequest { TableName = tables.TableName, Item = CatalogItems.Author(author) }, TestContext.Current.CancellationToken);
        // The book count the Catalog worker keeps, as it would have written it.
        var stats = Keys.AuthorStats(author.AuthorId);
        await dynamo.PutItemAsync(new PutItemRequest
        {
            TableName = tables.TableName,
            Item = new()
            {
                [Attributes.PK] = new(stats.PK),
                [Attributes.SK] = new(stats.SK),
                [Attributes.ItemType] = new(ItemTypes.AuthorStats),
                [Attributes.AuthorId] = new(author.AuthorId),
                [Attributes.BookCount] = CatalogItems.Number(books.Length),
            },
        }, TestContext.Current.CancellationToken);
        foreach (var book in books)
        {
            var marker = Keys.BookCountMarker(author.AuthorId, book.BookId);
            await dynamo.PutItemAsync(new PutItemRequest
            {
                TableName = tables.TableName,
                Item = new()
                {
                    [Attributes.PK] = new(marker.PK),
                    [Attributes.SK] = new(marker.SK),
                    [Attributes.ItemType] = new(ItemTypes.BookCountMarker),
                    [Attributes.AuthorId] = new(author.AuthorId),
                    [Attributes.BookId] = new(book.BookId),
                    [Attributes.CountState] = new(CountStates.Counted),
                    [Attributes.BookVersion] = CatalogItems.Number(1),
                },
            }, TestContext.Current.CancellationToken);
            await dynamo.PutItemAsync(new PutItemRequest
            {
                TableName = tables.TableName,
                Item = CatalogItems.GenreCopy(book, author),
            }, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>
    /// Gives every author and book written straight into the table an event stream whose fold is that item
    /// (versions 1..Version: the creation with the item's values, then events restating them), so the whole-table
    /// check finds canonical items with their streams. Call it once the relay is stopped: these events are history
    /// written after the fact, not news for the workers.
    /// </summary>
    public static async Task WriteMissingStreamsAsync(DynamoDbOptions tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        using var dynamo = DynamoDbLocalFixture.CreateClient(tables);
        var cancellationToken = TestContext.Current.CancellationToken;
        var items = await dynamo.ScanAllAsync(new ScanRequest { TableName = tables.TableName, ConsistentRead = true }, cancellationToken).ToListAsync(cancellationToken);
        var streams = items.Where(i => i[Attributes.ItemType].S == ItemTypes.Event).Select(i => i[Attributes.PK].S).ToHashSet(StringComparer.Ordinal);
        var canonical = new (string ItemType, string StreamType, string IdAttribute)[]
        {
            (ItemTypes.Author, "author", Attributes.AuthorId), (ItemTypes.Book, "book", Attributes.BookId),
        };
        foreach (var (itemType, streamType, idAttribute) in canonical)
        {
            foreach (var item in items.Where(i => i[Attributes.ItemType].S == itemType && !streams.Contains(Keys.StreamPartition(streamType, i[idAttribute].S))))
            {
                for (var version = 1L; version <= long.Parse(item[Attributes.Version].N, CultureInfo.InvariantCulture); version++)
                {
                    var key = Keys.Event(streamType, item[idAttribute].S, version);
                    var (type, @event) = EventOf(item, version);
                    await dynamo.PutItemAsync(new PutItemRequest
                    {
                        TableName = tables.TableName,
                        Item = new()
                        {
                            [Attributes.PK] = new(key.PK),
                            [Attributes.SK] = new(key.SK),
                            [Attributes.ItemType] = new(ItemTypes.Event),
                            [Attributes.StreamType] = new(streamType),
                            [Attributes.StreamId] = item[idAttribute],
                            [Attributes.Version] = new() { N = version.ToString(CultureInfo.InvariantCulture) },
                            [Attributes.EventType] = new(type),
                            [Attributes.Data] = new(EventTypeMap.Serialize(@event)),
                            [Attributes.RecordedAt] = new(DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture)),
                        },
                    }, cancellationToken);
                }
            }
        }
    }

    /// <summary>The event at <paramref name="version"/> of a stream whose fold is <paramref name="item"/>, as its service would write it.</summary>
    private static (string Type, object Event) EventOf(Dictionary<string, AttributeValue> item, long version)
    {
        string S(string attribute) => item[attribute].S;
        switch (item[Attributes.ItemType].S)
        {
            case ItemTypes.Author:
                object author = version == 1 ? new AuthorRegistered(S(Attributes.AuthorId), S(Attributes.Name)) : new AuthorRenamed(S(Attributes.AuthorId), S(Attributes.Name));
                return (CatalogEvents.Types.NameOf(author), author);
            default:
                var price = decimal.Parse(item[Attributes.Price].N, CultureInfo.InvariantCulture);
                object book = version == 1
                    ? new BookAdded(S(Attributes.BookId), S(Attributes.AuthorId), S(Attributes.Title), S(Attributes.Genre), price, BookCurrency.Of(item))
                    : new BookPriceChanged(S(Attributes.BookId), S(Attributes.AuthorId), price);
                return (CatalogEvents.Types.NameOf(book), book);
        }
    }

    public static async Task<Dictionary<string, AttributeValue>?> GetAsync(DynamoDbOptions tables, ItemKey key)
    {
        using var dynamo = DynamoDbLocalFixture.CreateClient(tables);
        var response = await dynamo.GetItemAsync(new GetItemRequest
        {
            TableName = tables.TableName,
            Key = new() { [Attributes.PK] = new(key.PK), [Attributes.SK] = new(key.SK) },
            ConsistentRead = true,
        }, TestContext.Current.CancellationToken);
        return response.Item is { Count: > 0 } item ? item : null;
    }
}
