using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microservices.Schema;
using Microservices.SingleTable;
using Microsoft.Extensions.Options;

namespace Catalog.Worker;

/// <summary>
/// Keeps an author's book count in its own item (AUTHOR#{id} / AUTHOR#{id}#STATS), which only this worker writes, so
/// the API's writes of the author item never touch it. The count is never incremented: it is recomputed from the
/// author's partition (one consistent Query) and written with the ids it was counted from, then read back the same
/// way until the stored count equals a fresh recount. Whichever recount writes last therefore also checks last, so
/// duplicates, reordering and two recounts racing all end on the partition's true count. An author who is gone
/// loses the item.
/// </summary>
public sealed class BookCountWriter(IAmazonDynamoDB dynamo, IOptions<DynamoDbOptions> options)
{
    private const int Attempts = 5;

    private readonly string _table = options.Value.TableName;

    public long Writes => Interlocked.Read(ref _writes);

    private long _writes;

    public async Task RecountAsync(string authorId, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            var (authorVersion, bookIds, stored) = await ReadPartitionAsync(authorId, cancellationToken);
            if (authorVersion is null)
            {
                if (stored is null)
                {
                    return;
                }

                await DeleteAsync(authorId, cancellationToken);
                continue;
            }

            if (stored is not null
                && stored.Value.Count == bookIds.Count
                && stored.Value.AuthorVersion == authorVersion
                && stored.Value.BookIds.SetEquals(bookIds))
            {
                return; // the stored count is this recount's: nothing to write, and nothing to check again
            }

            await TryWriteAsync(authorId, authorVersion.Value, bookIds, cancellationToken);
        }

        // MassTransit retries the message, and keeps it in the error queue after its retries.
        throw new InvalidOperationException($"The book count of author {authorId} did not settle after {Attempts} recounts.");
    }

    private async Task<(long? AuthorVersion, List<string> BookIds, (int Count, long AuthorVersion, HashSet<string> BookIds)? Stored)>
        ReadPartitionAsync(string authorId, CancellationToken cancellationToken)
    {
        long? authorVersion = null;
        var bookIds = new List<string>();
        (int, long, HashSet<string>)? stored = null;
        var partition = dynamo.QueryAllAsync(new QueryRequest
        {
            TableName = _table,
            KeyConditionExpression = "PK = :pk",
            ExpressionAttributeValues = new() { [":pk"] = new(Keys.AuthorPartition(authorId)) },
            ConsistentRead = true,
        }, cancellationToken);
        await foreach (var item in partition)
        {
            switch (item[Attributes.ItemType].S)
            {
                case ItemTypes.Author:
                    authorVersion = long.Parse(item[Attributes.Version].N, CultureInfo.InvariantCulture);
                    break;
                case ItemTypes.Book:
                    bookIds.Add(item[Attributes.BookId].S);
                    break;
                case ItemTypes.AuthorStats:
                    stored = (
                        int.Parse(item[Attributes.BookCount].N, CultureInfo.InvariantCulture),
                        long.Parse(item[Attributes.AuthorVersion].N, CultureInfo.InvariantCulture),
                        (item[Attributes.BookIds].L ?? []).Select(id => id.S).ToHashSet(StringComparer.Ordinal));
                    break;
            }
        }

        return (authorVersion, bookIds, stored);
    }

    private async Task TryWriteAsync(string authorId, long authorVersion, List<string> bookIds, CancellationToken cancellationToken)
    {
        var key = Keys.AuthorStats(authorId);
        try
        {
            await dynamo.PutItemAsync(new PutItemRequest
            {
                TableName = _table,
                Item = new()
                {
                    [Attributes.PK] = new(key.PK),
                    [Attributes.SK] = new(key.SK),
                    [Attributes.ItemType] = new(ItemTypes.AuthorStats),
                    [Attributes.AuthorId] = new(authorId),
                    [Attributes.BookCount] = new() { N = bookIds.Count.ToString(CultureInfo.InvariantCulture) },
                    [Attributes.BookIds] = new() { L = bookIds.Select(id => new AttributeValue(id)).ToList() },
                    [Attributes.AuthorVersion] = new() { N = authorVersion.ToString(CultureInfo.InvariantCulture) },
                },
                ConditionExpression = "attribute_not_exists(PK) OR AuthorVersion <= :authorVersion",
                ExpressionAttributeValues = new() { [":authorVersion"] = new() { N = authorVersion.ToString(CultureInfo.InvariantCulture) } },
            }, cancellationToken);
            Interlocked.Increment(ref _writes);
        }
        catch (ConditionalCheckFailedException)
        {
            // Counted with a newer author version already: the next read decides whether it is still right.
        }
    }

    private async Task DeleteAsync(string authorId, CancellationToken cancellationToken)
    {
        var key = Keys.AuthorStats(authorId);
        await dynamo.DeleteItemAsync(new DeleteItemRequest
        {
            TableName = _table,
            Key = new() { [Attributes.PK] = new(key.PK), [Attributes.SK] = new(key.SK) },
        }, cancellationToken);
        Interlocked.Increment(ref _writes);
    }
}
