using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Catalog.Domain;
using Microservices.Schema;
using Microservices.SingleTable;
using Microsoft.Extensions.Options;

namespace Catalog.Worker;

/// <summary>
/// Writes a genre copy from a book and its author: taken from the message where it carries them with their version
/// (a rename, a new book), else read with strong consistency. The copy carries the versions of both sources and is
/// written only if neither is older than what is stored, so a late or duplicate delivery can never regress it. When
/// that guard refuses a write, that copy's sources are read again: what was stored came from states no newer than
/// the current ones, so the fresh read is at least as new in both versions and the next attempt succeeds.
/// </summary>
public sealed class GenreCopyWriter(IAmazonDynamoDB dynamo, IOptions<DynamoDbOptions> options)
{
    private const int Attempts = 5;

    private readonly string _table = options.Value.TableName;

    private readonly int _fanOut = options.Value.FanOutConcurrency;

    public long CopiesWritten => Interlocked.Read(ref _copiesWritten);

    private long _copiesWritten;

    /// <summary>
    /// Rewrites a book's copy from the current book (found by id: by <paramref name="titleHint"/> first, else in its
    /// author's partition) and author. A book that is gone writes nothing: its book.deleted message leaves the tombstone.
    /// </summary>
    public async Task RefreshBookAsync(string authorId, string bookId, string? titleHint, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var book = await FindBookAsync(authorId, bookId, titleHint, cancellationToken);
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
    /// After a genre change: the copy in the book's current genre is rewritten, and the copy it had in
    /// <paramref name="oldGenre"/> becomes a tombstone at the book's current version, unless the book is back in that
    /// genre. A book deleted since leaves the tombstone at the message's version.
    /// </summary>
    public async Task MoveAsync(string authorId, string bookId, string oldGenre, long messageVersion, CancellationToken cancellationToken)
    {
        var book = await FindBookAsync(authorId, bookId, null, cancellationToken);
        if (book is null)
        {
            await TombstoneAsync(oldGenre, bookId, messageVersion, cancellationToken);
            return;
        }

        await RefreshBookAsync(authorId, bookId, book.Title, cancellationToken);
        if (book.Genre != oldGenre)
        {
            await TombstoneAsync(oldGenre, bookId, book.Version, cancellationToken);
        }
    }

    /// <summary>
    /// Replaces the copy at (<paramref name="genre"/>, <paramref name="bookId"/>) with a tombstone carrying
    /// <paramref name="bookVersion"/>: no GSI1 keys, so no genre list shows it, and a copy built from an older read of
    /// the book is refused by it. Only an older copy or tombstone is replaced.
    /// </summary>
    public async Task TombstoneAsync(string genre, string bookId, long bookVersion, CancellationToken cancellationToken)
    {
        var key = Keys.GenreBookTombstone(genre, bookId);
        try
        {
            await dynamo.PutItemAsync(new PutItemRequest
            {
                TableName = _table,
                Item = new()
                {
                    [Attributes.PK] = new(key.PK),
                    [Attributes.SK] = new(key.SK),
                    [Attributes.ItemType] = new(ItemTypes.GenreBookTombstone),
                    [Attributes.BookId] = new(bookId),
                    [Attributes.BookVersion] = CatalogItems.Number(bookVersion),
                },
                ConditionExpression = "attribute_not_exists(PK) OR BookVersion < :bookVersion",
                ExpressionAttributeValues = new() { [":bookVersion"] = CatalogItems.Number(bookVersion) },
            }, cancellationToken);
            Interlocked.Increment(ref _copiesWritten);
        }
        catch (ConditionalCheckFailedException)
        {
            // A newer copy or tombstone is there already: this message changes nothing.
        }
    }

    /// <summary>
    /// A new book's copy from the book as the message carries it (<paramref name="book"/>, at the message's version)
    /// and the author read now, which closes the create-versus-rename race. A message older than the stored copy is
    /// refused by the guard, and the copy is then rebuilt from the book as it is now.
    /// </summary>
    public async Task WriteBookAsync(Book book, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(book);
        var author = await GetAsync(Keys.Author(book.AuthorId), CatalogItems.ReadAuthor, cancellationToken);
        if (author is not null && !await TryWriteAsync(book, author, cancellationToken))
        {
            await RefreshBookAsync(book.AuthorId, book.BookId, book.Title, cancellationToken);
        }
    }

    /// <summary>
    /// After a rename, rewrites the copy of every book the author has now with the name and version the message
    /// carries (no read of the author), <see cref="DynamoDbOptions.FanOutConcurrency"/> copies at a time. Each copy
    /// is its own item, so the writes never contend. A book added after the query ran is not missed: its own event is
    /// handled after it was written, and then reads the new name.
    /// <para>
    /// A refused copy holds a newer author or book version than this write. The author is then read once, for the
    /// whole fan-out. If it is newer than the message, the message is late (a duplicate, or overtaken by the next
    /// rename): the newer rename's own message writes every copy with a name at least as new, so this one stops and
    /// writes nothing more. Otherwise the book changed after the query, and only that copy is rebuilt from its
    /// sources read again. A late rename so costs one read and the writes that were in flight, not a read of every book.
    /// </para>
    /// </summary>
    public async Task RefreshAuthorAsync(Author author, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(author);
        var current = new Lazy<Task<Author?>>(() => GetAsync(Keys.Author(author.AuthorId), CatalogItems.ReadAuthor, cancellationToken));
        var late = false;
        await Parallel.ForEachAsync(
            dynamo.QueryAllAsync(Queries.AuthorBooks(_table, author.AuthorId), cancellationToken),
            new ParallelOptions { MaxDegreeOfParallelism = _fanOut, CancellationToken = cancellationToken },
            async (item, ct) =>
            {
                var book = CatalogItems.ReadBook(item);
                if (Volatile.Read(ref late) || await TryWriteAsync(book, author, ct))
                {
                    return;
                }

                if (await current.Value is not { } now || now.Version > author.Version)
                {
                    Volatile.Write(ref late, true); // a newer rename's message covers every copy; a gone author has none
                    return;
                }

                await RefreshBookAsync(author.AuthorId, book.BookId, book.Title, ct);
            });
    }

    private async Task<bool> TryWriteAsync(Book book, Author author, CancellationToken cancellationToken)
    {
        try
        {
            await dynamo.PutItemAsync(new PutItemRequest
            {
                TableName = _table,
                Item = CatalogItems.GenreCopy(book, author),
                // A live copy is replaced by one no older in either source; a tombstone only by a newer book version.
                ConditionExpression = "attribute_not_exists(PK)"
                    + " OR (ItemType = :copy AND BookVersion <= :bookVersion AND AuthorVersion <= :authorVersion)"
                    + " OR (ItemType = :tombstone AND BookVersion < :bookVersion)",
                ExpressionAttributeValues = new()
                {
                    [":bookVersion"] = CatalogItems.Number(book.Version),
                    [":authorVersion"] = CatalogItems.Number(author.Version),
                    [":copy"] = new(ItemTypes.GenreBook),
                    [":tombstone"] = new(ItemTypes.GenreBookTombstone),
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

    /// <summary>
    /// A book by id: the item under <paramref name="titleHint"/> when it is this book, else the author's books
    /// filtered on BookId (one consistent Query), since a retitle may have moved it since the message was sent.
    /// </summary>
    private async Task<Book?> FindBookAsync(string authorId, string bookId, string? titleHint, CancellationToken cancellationToken)
    {
        if (titleHint is not null
            && await GetAsync(Keys.Book(authorId, titleHint), CatalogItems.ReadBook, cancellationToken) is { } hinted
            && hinted.BookId == bookId)
        {
            return hinted;
        }

        var byId = Queries.AuthorBooks(_table, authorId);
        byId.FilterExpression = "BookId = :bookId";
        byId.ExpressionAttributeValues[":bookId"] = new(bookId);
        var found = await dynamo.QueryAllAsync(byId, cancellationToken).FirstOrDefaultAsync(cancellationToken);
        return found is null ? null : CatalogItems.ReadBook(found);
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
