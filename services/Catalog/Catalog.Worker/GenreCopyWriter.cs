using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Catalog.Domain;
using Microservices.Shared.Dynamo;
using Microservices.Shared.Schema;
using Microsoft.Extensions.Options;

namespace Catalog.Worker;

/// <summary>
/// Writes a genre copy from the current book and author, read with strong consistency. The copy carries the
/// versions of both sources and is written only if neither is older than what is stored, so a late or duplicate
/// delivery can never regress it. When that guard refuses a write, the sources are read again: what was stored came
/// from older reads, so the fresh read is at least as new in both versions and the next attempt succeeds.
/// </summary>
public sealed class GenreCopyWriter(IAmazonDynamoDB dynamo, IOptions<DynamoDbOptions> options)
{
    private const int Attempts = 5;

    private readonly string _table = options.Value.TableName;

    public long CopiesWritten => Interlocked.Read(ref _copiesWritten);

    private long _copiesWritten;

    public async Task RefreshBookAsync(string authorId, string title, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var book = await GetAsync(Keys.Book(authorId, title), CatalogItems.ReadBook, cancellationToken);
            var author = await GetAsync(Keys.Author(authorId), CatalogItems.ReadAuthor, cancellationToken);
            if (book is null || author is null)
            {
                return; // nothing to copy from (yet, or any more)
            }

            if (await TryWriteAsync(book, author, cancellationToken))
            {
                return;
            }

            if (attempt == Attempts)
            {
                // Failing the message makes MassTransit retry it, and keep it in the error queue after its retries,
                // rather than dropping the change.
                throw new InvalidOperationException(
                    $"The genre copy of book {book.BookId} was refused {Attempts} times by its version guard.");
            }
        }
    }

    /// <summary>
    /// After a rename, rewrites the copy of every book the author has now. A book added after this query ran is
    /// not missed: its own event is handled after it was written, and then reads the new name.
    /// </summary>
    public async Task RefreshAuthorAsync(string authorId, CancellationToken cancellationToken)
    {
        var author = await GetAsync(Keys.Author(authorId), CatalogItems.ReadAuthor, cancellationToken);
        if (author is null)
        {
            return;
        }

        var books = dynamo.QueryAllAsync(new QueryRequest
        {
            TableName = _table,
            KeyConditionExpression = "PK = :pk AND begins_with(SK, :books)",
            ExpressionAttributeValues = new()
            {
                [":pk"] = new(Keys.AuthorPartition(authorId)),
                [":books"] = new(Keys.BooksStartingWith("")),
            },
            ConsistentRead = true,
        }, cancellationToken);
        await foreach (var item in books)
        {
            var book = CatalogItems.ReadBook(item);
            if (!await TryWriteAsync(book, author, cancellationToken))
            {
                await RefreshBookAsync(authorId, book.Title, cancellationToken);
            }
        }
    }

    private async Task<bool> TryWriteAsync(Book book, Author author, CancellationToken cancellationToken)
    {
        var key = Keys.GenreBook(book.Genre, book.BookId);
        try
        {
            await dynamo.PutItemAsync(new PutItemRequest
            {
                TableName = _table,
                Item = new()
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
                    [Attributes.Price] = CatalogItems.Number(book.Price),
                    [Attributes.AuthorName] = new(author.Name),
                    [Attributes.BookVersion] = CatalogItems.Number(book.Version),
                    [Attributes.AuthorVersion] = CatalogItems.Number(author.Version),
                },
                ConditionExpression = "attribute_not_exists(PK) OR (BookVersion <= :bookVersion AND AuthorVersion <= :authorVersion)",
                ExpressionAttributeValues = new()
                {
                    [":bookVersion"] = CatalogItems.Number(book.Version),
                    [":authorVersion"] = CatalogItems.Number(author.Version),
                },
            }, cancellationToken);
            Interlocked.Increment(ref _copiesWritten);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    private async Task<T?> GetAsync<T>(ItemKey key, Func<IReadOnlyDictionary<string, AttributeValue>, T> read, CancellationToken cancellationToken)
        where T : class
    {
        var response = await dynamo.GetItemAsync(new GetItemRequest
        {
            TableName = _table,
            Key = new() { [Attributes.PK] = new(key.PK), [Attributes.SK] = new(key.SK) },
            ConsistentRead = true,
        }, cancellationToken);
        return response.Item is { Count: > 0 } item ? read(item) : null;
    }
}
