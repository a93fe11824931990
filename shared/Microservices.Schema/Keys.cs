using System.Globalization;
using Microservices.EventSourcing;
using Microservices.SingleTable;

namespace Microservices.Schema;

/// <summary>
/// Typed key builders over the templates declared in <see cref="TableSchema"/>: the only code that builds a key.
/// User text goes through <see cref="KeyText.Encode"/> inside the template, so it can neither widen a begins_with
/// query nor collide with another item type.
/// </summary>
public static class Keys
{
    public const string GenreIndex = TableSchema.Gsi1;

    public static ItemKey Author(string authorId) => Of(TableSchema.Author, [authorId], [authorId]);

    public static string AuthorPartition(string authorId) => TableSchema.Author.PartitionKey.Build(authorId);

    /// <summary>A book, in its author's collection, the title in the sort key.</summary>
    public static ItemKey Book(string authorId, string title) => Of(TableSchema.Book, [authorId], [title]);

    public static string BookSortKey(string title) => TableSchema.Book.SortKey.Build(title);

    /// <summary>The sort-key prefix of an author's books whose title starts with <paramref name="titlePrefix"/>.</summary>
    public static string BooksStartingWith(string titlePrefix) => TableSchema.Book.SortKey.StartingWith(titlePrefix);

    /// <summary>A book's copy in its genre's partition; the title sorts the partition through GSI1.</summary>
    public static ItemKey GenreBook(string genre, string bookId) => Of(TableSchema.GenreBook, [genre], [bookId]);

    public static string GenrePartition(string genre) => TableSchema.GenreBook.PartitionKey.Build(genre);

    public static string GenreBookSortKey(string title) => TableSchema.GenreBook.Index!.SortKey.Build(title);

    public static ItemKey Client(string clientId) => Of(TableSchema.Client, [clientId], [clientId]);

    public static string ClientPartition(string clientId) => TableSchema.Client.PartitionKey.Build(clientId);

    public static string ClientNameIndexKey(string name) => TableSchema.Client.Index!.PartitionKey.Build(name);

    /// <summary>The client item's GSI2 partition key (migration 1): its email, lower-cased.</summary>
    public static string ClientEmailIndexKey(string email) => TableSchema.ClientEmail.PartitionKey.Build(email.ToLowerInvariant());

    public static string ClientEmailIndexSortKey(string clientId) => TableSchema.ClientEmail.SortKey.Build(clientId);

    // Clients: addresses in the client's collection, and the idempotency items of creates.

    /// <summary>The client item's GSI1 sort key: clients of the same name are told apart by their id.</summary>
    public static string ClientNameIndexSortKey(string clientId) => TableSchema.Client.Index!.SortKey.Build(clientId);

    /// <summary>An address, in its client's item collection: SK = ADDRESS#{addressId}.</summary>
    public static ItemKey Address(string clientId, string addressId) => Of(TableSchema.Address, [clientId], [addressId]);

    /// <summary>A create's idempotency item: PK = IDEMPOTENCY#{service}#{key}, so services never share a key.</summary>
    public static ItemKey Idempotency(string service, string idempotencyKey) => IdempotencyItem.Key(service, idempotencyKey);

    public static string StreamPartition(string streamType, string streamId) => EventItem.StreamPartition(streamType, streamId);

    /// <summary>An event: its version zero-padded to 10 digits, so a stream's events sort in order.</summary>
    public static ItemKey Event(string streamType, string streamId, long version) => EventItem.Key(streamType, streamId, version);

    // Catalog (complete)

    /// <summary>The partition of GSI1 that lists every author, sorted by name then id.</summary>
    public static string AuthorsIndexPartition => TableSchema.Author.Index!.PartitionKey.Build();

    public static string AuthorsIndexSortKey(string name, string authorId) => TableSchema.Author.Index!.SortKey.Build(name, authorId);

    /// <summary>The worker's book count for an author, in the author's partition.</summary>
    public static ItemKey AuthorStats(string authorId) => Of(TableSchema.AuthorStats, [authorId], [authorId]);

    /// <summary>Whether one book is in its author's count, in the partition of the author's markers.</summary>
    public static ItemKey BookCountMarker(string authorId, string bookId) => Of(TableSchema.BookCountMarker, [authorId], [bookId]);

    /// <summary>The mark that an author's count is closed (the author is deleted), beside the author's markers.</summary>
    public static ItemKey BookCountClosed(string authorId) => Of(TableSchema.BookCountClosed, [authorId], []);

    /// <summary>Where a genre copy was: the same key as <see cref="GenreBook"/>, declared by its own item type.</summary>
    public static ItemKey GenreBookTombstone(string genre, string bookId) => Of(TableSchema.GenreBookTombstone, [genre], [bookId]);

    // ---- Orders ----

    /// <summary>An order in its client's partition: SK = ORDER#{orderId}, so a client's orders sort by time.</summary>
    public static ItemKey Order(string clientId, string orderId) => Of(TableSchema.Order, [clientId], [orderId]);

    /// <summary>The sort-key prefix of every order (and line) of a client.</summary>
    public static string OrdersPrefix => TableSchema.Order.SortKey.Prefix;

    /// <summary>The sort-key prefix of one order and its lines.</summary>
    public static string OrderWithLinesPrefix(string orderId) => TableSchema.Order.SortKey.Build(orderId);

    /// <summary>The sort-key prefix of one order's lines in its client's partition (not the order itself).</summary>
    public static string OrderLinesPrefix(string orderId) => TableSchema.OrderLine.SortKey.StartingWith(orderId, "");

    /// <summary>An order line, right after its order: SK = ORDER#{orderId}#LINE#{lineNo:D3}.</summary>
    public static ItemKey OrderLine(string clientId, string orderId, int lineNo) =>
        Of(TableSchema.OrderLine, [clientId], [orderId, lineNo.ToString("D3", CultureInfo.InvariantCulture)]);

    // Orders from migration 3 on (OrderPartitions): head and lines in the order's partition, a client's orders in GSI2.

    /// <summary>An order's head in its own partition: PK = ORDER#{orderId}, SK = ORDER.</summary>
    public static ItemKey OrderV3(string orderId) => Of(TableSchema.OrderV3, [orderId], []);

    public static string OrderPartition(string orderId) => TableSchema.OrderV3.PartitionKey.Build(orderId);

    /// <summary>An order line beside its head: SK = LINE#{lineNo:D3}.</summary>
    public static ItemKey OrderLineV3(string orderId, int lineNo) =>
        Of(TableSchema.OrderLineV3, [orderId], [lineNo.ToString("D3", CultureInfo.InvariantCulture)]);

    public static string OrderLinesPrefixV3 => TableSchema.OrderLineV3.SortKey.Prefix;

    public static string ClientOrdersIndexKey(string clientId) => TableSchema.ClientOrders.PartitionKey.Build(clientId);

    public static string ClientOrdersIndexSortKey(string orderId) => TableSchema.ClientOrders.SortKey.Build(orderId);

    /// <summary>The order id in the sort key of an order in its client's partition (ORDER#{orderId}), or null when it is not one.</summary>
    public static string? OrderIdOf(string clientPartitionSortKey) =>
        clientPartitionSortKey is not null && clientPartitionSortKey.StartsWith(OrdersPrefix, StringComparison.Ordinal)
        && clientPartitionSortKey[OrdersPrefix.Length..] is var id && Ids.IsValid(id) ? id : null;

    public static string OrderStatusIndexKey(string status) => TableSchema.Order.Index!.PartitionKey.Build(status);

    public static string OrderStatusSortKey(string placedAt, string orderId) => TableSchema.Order.Index!.SortKey.Build(placedAt, orderId);

    /// <summary>One book's units in one order, in the book's sales partition.</summary>
    public static ItemKey BookSale(string bookId, string orderId) => Of(TableSchema.BookSale, [bookId], [orderId]);

    public static string BookSalesPartition(string bookId) => TableSchema.BookSale.PartitionKey.Build(bookId);

    public static string BookSalePrefix => TableSchema.BookSale.SortKey.Prefix;

    public static ItemKey ClientOrderStats(string clientId) => Of(TableSchema.ClientOrderStats, [clientId], []);

    public static ItemKey BookSales(string bookId) => Of(TableSchema.BookSales, [bookId], []);

    private static ItemKey Of(ItemTypeSpec type, string[] partition, string[] sort) =>
        new(type.PartitionKey.Build(partition), type.SortKey.Build(sort));
}
