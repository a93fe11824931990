using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Catalog.Domain;
using Microservices.Schema;
using Microservices.SingleTable;
using Microsoft.Extensions.Options;

namespace Catalog.Worker;

/// <summary>
/// Keeps an author's book count (AUTHOR#{id} / AUTHOR#{id}#STATS) incrementally, with a constant number of requests a
/// message however many books the author has: never a Query of the partition. Each book has a marker
/// (BOOKCOUNT#{authorId} / BOOK#{bookId}) saying whether it is in the count, and the marker and the count change in
/// one transaction: book.added puts the marker counted only where there is none and adds 1; book.deleted turns a
/// counted marker removed and subtracts 1, or puts it removed where there is none, so a late book.added counts
/// nothing. A duplicate finds the marker in its state already and writes nothing; a crash leaves both changes or
/// neither. Every count write is conditioned on the author's count not being closed (BookCountClosed, left by
/// author.deleted), so no late message brings back the count of a deleted author. A transaction refused because
/// another touched the same items at the same moment is tried again, and a refused condition is decided again from
/// what is stored.
/// </summary>
public sealed class BookCountWriter(IAmazonDynamoDB dynamo, IOptions<DynamoDbOptions> options)
{
    private const int Attempts = 10;

    /// <summary>Tries of one transaction refused only by contention: every book of an author writes the same count item.</summary>
    private const int ConflictAttempts = 30;

    private readonly string _table = options.Value.TableName;

    public long Writes => Interlocked.Read(ref _writes);

    private long _writes;

    /// <summary>Creates the author's count at 0, unless a book has created it already or the author is deleted.</summary>
    public Task AuthorRegisteredAsync(string authorId, CancellationToken cancellationToken) =>
        TryTransactAsync(
            [
                new TransactWriteItem
                {
                    Put = new Put
                    {
                        TableName = _table,
                        Item = NewStats(authorId),
                        ConditionExpression = "attribute_not_exists(PK)",
                    },
                },
                NotClosed(authorId),
            ],
            cancellationToken);

    /// <summary>
    /// Closes the author's count and removes it. The author could only be deleted with no books left, so every
    /// marker is, or will be once its book.deleted is handled, removed; the markers stay, as tombstones.
    /// </summary>
    public Task AuthorDeletedAsync(string authorId, long authorVersion, CancellationToken cancellationToken)
    {
        var closed = Keys.BookCountClosed(authorId);
        return TryTransactAsync(
            [
                new TransactWriteItem
                {
                    Put = new Put
                    {
                        TableName = _table,
                        Item = new()
                        {
                            [Attributes.PK] = new(closed.PK),
                            [Attributes.SK] = new(closed.SK),
                            [Attributes.ItemType] = new(ItemTypes.BookCountClosed),
                            [Attributes.AuthorId] = new(authorId),
                            [Attributes.AuthorVersion] = CatalogItems.Number(authorVersion),
                        },
                        ConditionExpression = "attribute_not_exists(PK)",
                    },
                },
                new TransactWriteItem { Delete = new Delete { TableName = _table, Key = KeyOf(Keys.AuthorStats(authorId)) } },
            ],
            cancellationToken);
    }

    /// <summary>Counts the book once: only where it has no marker yet (neither counted nor removed).</summary>
    public async Task BookAddedAsync(string authorId, string bookId, long bookVersion, CancellationToken cancellationToken)
    {
        var marker = PutMarker(authorId, bookId, CountStates.Counted, bookVersion);
        var refused = await TryTransactAsync([marker, AddToCount(authorId, 1), NotClosed(authorId)], cancellationToken);
        if (refused == Refusal.Closed)
        {
            // The author is deleted: the marker alone, so the book's own deletion still finds it, and no count.
            await TryTransactAsync([marker], cancellationToken);
        }

        // Refused by the marker: the book was counted or removed already, and this message changes nothing.
    }

    /// <summary>Takes the book out of the count if it is in it, and leaves it removed either way.</summary>
    public async Task BookDeletedAsync(string authorId, string bookId, long bookVersion, CancellationToken cancellationToken)
    {
        var key = Keys.BookCountMarker(authorId, bookId);
        var remove = new TransactWriteItem
        {
            Update = new Update
            {
                TableName = _table,
                Key = KeyOf(key),
                UpdateExpression = "SET CountState = :removed, BookVersion = :version",
                ConditionExpression = "CountState = :counted",
                ExpressionAttributeValues = new()
                {
                    [":removed"] = new(CountStates.Removed),
                    [":counted"] = new(CountStates.Counted),
                    [":version"] = CatalogItems.Number(bookVersion),
                },
            },
        };
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            var refused = await TryTransactAsync([remove, AddToCount(authorId, -1), NotClosed(authorId)], cancellationToken);
            if (refused == Refusal.Closed)
            {
                refused = await TryTransactAsync([remove], cancellationToken);
            }

            if (refused != Refusal.Marker)
            {
                return;
            }

            // Not counted: removed already (a duplicate), or no marker yet (this came before its book.added).
            var stored = await dynamo.GetItemAsync(new GetItemRequest { TableName = _table, Key = KeyOf(key), ConsistentRead = true }, cancellationToken);
            if (stored.Item is { Count: > 0 })
            {
                if (stored.Item[Attributes.CountState].S == CountStates.Removed)
                {
                    return;
                }

                continue; // counted since the transaction was refused: take it out
            }

            if (await TryTransactAsync([PutMarker(authorId, bookId, CountStates.Removed, bookVersion)], cancellationToken) == Refusal.None)
            {
                return;
            }

            // Its book.added put the marker meanwhile: decide again.
        }

        // MassTransit retries the message, and keeps it in the error queue after its retries.
        throw new InvalidOperationException($"The count of book {bookId} of author {authorId} did not settle after {Attempts} attempts.");
    }

    private enum Refusal
    {
        None,
        Marker,
        Closed,
    }

    /// <summary>
    /// Runs the transaction, again while it is refused only because another transaction held one of its items. The
    /// first item is what the message changes (a marker or the count), the last may be the closed check; a failed
    /// condition on either says which refused it.
    /// </summary>
    private async Task<Refusal> TryTransactAsync(List<TransactWriteItem> items, CancellationToken cancellationToken)
    {
        var request = new TransactWriteItemsRequest { TransactItems = items };
        DynamoDbLimits.CheckTransaction(request);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await dynamo.TransactWriteItemsAsync(request, cancellationToken);
                Interlocked.Increment(ref _writes);
                return Refusal.None;
            }
            catch (TransactionCanceledException canceled) when (attempt < ConflictAttempts && IsConflict(canceled))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10 * Math.Min(attempt, 10))), cancellationToken);
            }
            catch (TransactionCanceledException canceled) when (canceled.CancellationReasons is { } reasons && reasons.Any(r => r.Code == "ConditionalCheckFailed"))
            {
                return reasons[0].Code == "ConditionalCheckFailed" ? Refusal.Marker : Refusal.Closed;
            }
        }
    }

    private static bool IsConflict(TransactionCanceledException canceled) =>
        canceled.CancellationReasons is { } reasons
        && reasons.Any(r => r.Code == "TransactionConflict")
        && reasons.All(r => r.Code is "TransactionConflict" or "None");

    private TransactWriteItem PutMarker(string authorId, string bookId, string state, long bookVersion)
    {
        var key = Keys.BookCountMarker(authorId, bookId);
        return new TransactWriteItem
        {
            Put = new Put
            {
                TableName = _table,
                Item = new()
                {
                    [Attributes.PK] = new(key.PK),
                    [Attributes.SK] = new(key.SK),
                    [Attributes.ItemType] = new(ItemTypes.BookCountMarker),
                    [Attributes.AuthorId] = new(authorId),
                    [Attributes.BookId] = new(bookId),
                    [Attributes.CountState] = new(state),
                    [Attributes.BookVersion] = CatalogItems.Number(bookVersion),
                },
                ConditionExpression = "attribute_not_exists(PK)",
            },
        };
    }

    /// <summary>Adds to the count, creating it (from 0) if a book arrives before its author's registration.</summary>
    private TransactWriteItem AddToCount(string authorId, int delta) => new()
    {
        Update = new Update
        {
            TableName = _table,
            Key = KeyOf(Keys.AuthorStats(authorId)),
            UpdateExpression = "SET ItemType = :type, AuthorId = :authorId ADD BookCount :delta",
            ExpressionAttributeValues = new()
            {
                [":type"] = new(ItemTypes.AuthorStats),
                [":authorId"] = new(authorId),
                [":delta"] = CatalogItems.Number(delta),
            },
        },
    };

    private TransactWriteItem NotClosed(string authorId) => new()
    {
        ConditionCheck = new ConditionCheck
        {
            TableName = _table,
            Key = KeyOf(Keys.BookCountClosed(authorId)),
            ConditionExpression = "attribute_not_exists(PK)",
        },
    };

    private static Dictionary<string, AttributeValue> NewStats(string authorId)
    {
        var key = Keys.AuthorStats(authorId);
        return new()
        {
            [Attributes.PK] = new(key.PK),
            [Attributes.SK] = new(key.SK),
            [Attributes.ItemType] = new(ItemTypes.AuthorStats),
            [Attributes.AuthorId] = new(authorId),
            [Attributes.BookCount] = CatalogItems.Number(0),
        };
    }

    private static Dictionary<string, AttributeValue> KeyOf(ItemKey key) =>
        new() { [Attributes.PK] = new(key.PK), [Attributes.SK] = new(key.SK) };
}
