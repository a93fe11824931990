using System.Globalization;

namespace Microservices.Shared.Schema;

/// <summary>A primary key of the single table.</summary>
public readonly record struct ItemKey(string PK, string SK);

/// <summary>
/// The one place that builds keys. Every item type's key template is declared here; user text goes through
/// <see cref="KeyText.Encode"/> so it can neither widen a begins_with query nor collide with another item type.
/// </summary>
public static class Keys
{
    public const string GenreIndex = "GSI1";

    private const string AuthorPrefix = "AUTHOR#";
    private const string BookPrefix = "BOOK#";
    private const string GenrePrefix = "GENRE#";
    private const string StreamPrefix = "STREAM#";
    private const string EventPrefix = "EVENT#";

    /// <summary>Author: PK = AUTHOR#{authorId}, SK = AUTHOR#{authorId}; it sorts before its books.</summary>
    public static ItemKey Author(string authorId) => new(AuthorPartition(authorId), AuthorPrefix + authorId);

    public static string AuthorPartition(string authorId) => AuthorPrefix + authorId;

    /// <summary>Book: in its author's collection, the title in the sort key: SK = BOOK#{title}.</summary>
    public static ItemKey Book(string authorId, string title) => new(AuthorPartition(authorId), BookSortKey(title));

    public static string BookSortKey(string title) => BookPrefix + KeyText.Encode(title);

    /// <summary>The sort-key prefix of an author's books whose title starts with <paramref name="titlePrefix"/>.</summary>
    public static string BooksStartingWith(string titlePrefix) => BookPrefix + KeyText.Encode(titlePrefix);

    /// <summary>
    /// The copy of a book in its genre's partition: PK = GENRE#{genre}, SK = BOOK#{bookId}. A retitle keeps the
    /// copy where it is; the title sorts the partition through GSI1 (GSI1PK = GENRE#{genre}, GSI1SK = title).
    /// </summary>
    public static ItemKey GenreBook(string genre, string bookId) => new(GenrePartition(genre), BookPrefix + bookId);

    public static string GenrePartition(string genre) => GenrePrefix + KeyText.Encode(genre);

    public static string GenreBookSortKey(string title) => BookPrefix + KeyText.Encode(title);

    /// <summary>An event stream has its own partition: PK = STREAM#{type}#{id}, SK = EVENT#{version, 10 digits}.</summary>
    public static string StreamPartition(string streamType, string streamId) =>
        StreamPrefix + streamType + KeyText.Delimiter + streamId;

    public static ItemKey Event(string streamType, string streamId, long version) =>
        new(StreamPartition(streamType, streamId), EventPrefix + version.ToString("D10", CultureInfo.InvariantCulture));

    // The lease table (never the streamed table: its writes must not come back as stream records).

    /// <summary>Everything one stream consumer keeps: PK = CONSUMER#{name}, one item per shard and per live instance.</summary>
    public static string ConsumerPartition(string consumerName) => "CONSUMER#" + KeyText.Encode(consumerName);

    /// <summary>A shard's lease, with its owner and checkpoint: SK = SHARD#{shardId}.</summary>
    public static string ShardLease(string shardId) => ShardLeasePrefix + shardId;

    public const string ShardLeasePrefix = "SHARD#";

    /// <summary>A consumer instance's heartbeat: SK = INSTANCE#{instanceId}.</summary>
    public static string ConsumerInstance(string instanceId) => ConsumerInstancePrefix + instanceId;

    public const string ConsumerInstancePrefix = "INSTANCE#";

    /// <summary>A consumer's dead letters: PK = DEADLETTERS#{name}.</summary>
    public static string DeadLetterPartition(string consumerName) => "DEADLETTERS#" + KeyText.Encode(consumerName);

    /// <summary>
    /// One dead-lettered record: SK = RECORD#{shardId}#{sequence number, zero-padded to 40 digits}, so a shard's
    /// dead letters sort in stream order and the same record dead-lettered twice is one item.
    /// </summary>
    public static string DeadLetter(string shardId, string sequenceNumber) =>
        "RECORD#" + shardId + KeyText.Delimiter + sequenceNumber.PadLeft(40, '0');
}
