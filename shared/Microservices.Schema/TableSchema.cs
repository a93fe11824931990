using Microservices.EventSourcing;
using Microservices.SingleTable;

namespace Microservices.Schema;

/// <summary>
/// The single table, declared once: every item type with its key templates, its GSI1 keys, its attributes and
/// which of them are copies, and every access pattern with the request that serves it. <see cref="Keys"/> builds
/// every key from these templates, the consistency check reads the copies from here, and docs/data-model.md is
/// generated from here (<c>ops data-model</c>), so none of them can drift from the others.
/// Add an item type here first; nothing else may build a key.
/// </summary>
public static class TableSchema
{
    public const string Gsi1 = TableLayout.Gsi1;

    /// <summary>The second overloaded index, which migration 1 (<see cref="Migrations.ClientsByEmail"/>) adds to a live table.</summary>
    public const string Gsi2 = TableLayout.Gsi2;

    // Event sourcing (every service)

    public static readonly ItemTypeSpec Event = new(
        ItemTypes.Event,
        "every service (its own streams)",
        "One event of one stream, appended once under attribute_not_exists: the stream's history.",
        EventItem.PartitionKey,
        EventItem.SortKey,
        null,
        [
            new(Attributes.StreamType, AttributeKind.S, "author, book, client, order"),
            new(Attributes.StreamId, AttributeKind.S, "the entity's id"),
            new(Attributes.Version, AttributeKind.N, "1, 2, 3... contiguous in its stream"),
            new(Attributes.EventType, AttributeKind.S, "versioned name, e.g. author.renamed.v1"),
            new(Attributes.Data, AttributeKind.S, "the event as JSON"),
            new(Attributes.RecordedAt, AttributeKind.S, "ISO 8601"),
            new(Attributes.ContractType, AttributeKind.S, "the integration contract it is published as, e.g. Microservices.Contracts.Catalog.AuthorRenamedV1, or none; absent on events stored before contracts were recorded", Required: false),
            new(Attributes.Contract, AttributeKind.S, "that contract as JSON, written by the owning service at append time (absent when none)", Required: false),
            new(Attributes.TraceParent, AttributeKind.S, "W3C trace context of the command", Required: false),
            new(Attributes.Snapshot, AttributeKind.S, "the aggregate's state after this event as JSON, on the last event of each append: a command reads it and folds only the events after it (absent on other events and on streams written before snapshots)", Required: false),
        ],
        [],
        new Dictionary<string, string>
        {
            ["streamType"] = "author",
            ["streamId"] = "0193a1",
            ["version"] = "0000000002",
            [Attributes.EventType] = "author.renamed.v1",
        });

    // Catalog

    public static readonly ItemTypeSpec Author = new(
        ItemTypes.Author,
        "Catalog",
        "An author; heads the item collection that holds their books, and sorts before them.",
        new("AUTHOR#{authorId}"),
        new("AUTHOR#{authorId}"),
        new(Gsi1, new("AUTHORS"), new("AUTHOR#{name}#{authorId}")),
        [
            new(Attributes.AuthorId, AttributeKind.S, "UUIDv7"),
            new(Attributes.Name, AttributeKind.S, "the author's name"),
            new(Attributes.Version, AttributeKind.N, "the version of the author's stream"),
            new(Attributes.BookAdds, AttributeKind.N, "bumped by every book added (a concurrency token: deleting an author is refused if a book arrived after it looked)", Required: false),
        ],
        [],
        new Dictionary<string, string> { ["authorId"] = "0193a1", ["name"] = "Ursula K. Le Guin", [Attributes.Name] = "Ursula K. Le Guin" });

    public static readonly ItemTypeSpec Book = new(
        ItemTypes.Book,
        "Catalog",
        "A book, in its author's item collection with its title in the sort key: lookup by title, sorted by title, begins_with on the title.",
        new("AUTHOR#{authorId}"),
        new("BOOK#{title}"),
        null,
        [
            new(Attributes.BookId, AttributeKind.S, "UUIDv7"),
            new(Attributes.AuthorId, AttributeKind.S, "the author's id"),
            new(Attributes.Title, AttributeKind.S, "unique per author (it is the sort key)"),
            new(Attributes.Genre, AttributeKind.S, "e.g. fantasy"),
            new(Attributes.Price, AttributeKind.N, "decimal"),
            new(Attributes.Currency, AttributeKind.S, "the price's currency (ISO 4217) since book.added.v2; on every book once migration 2 (book-currency) is applied", Required: false),
            new(Attributes.Version, AttributeKind.N, "the version of the book's stream"),
        ],
        [],
        new Dictionary<string, string> { ["authorId"] = "0193a1", ["title"] = "A Wizard of Earthsea", [Attributes.Genre] = "fantasy", [Attributes.Price] = "8.99" });

    public static readonly ItemTypeSpec GenreBook = new(
        ItemTypes.GenreBook,
        "Catalog worker",
        "A copy of a book in its genre's partition, with its author's name; sorted by title through GSI1.",
        new("GENRE#{genre}"),
        new("BOOK#{bookId}"),
        new(Gsi1, new("GENRE#{genre}"), new("BOOK#{title}")),
        [
            new(Attributes.BookId, AttributeKind.S, "the book's id"),
            new(Attributes.AuthorId, AttributeKind.S, "the author's id"),
            new(Attributes.Title, AttributeKind.S, "copy of the book's title"),
            new(Attributes.Price, AttributeKind.N, "copy of the book's price"),
            new(Attributes.AuthorName, AttributeKind.S, "copy of the author's name"),
            new(Attributes.BookVersion, AttributeKind.N, "the book version the copy was built from"),
            new(Attributes.AuthorVersion, AttributeKind.N, "the author version the copy was built from"),
        ],
        [
            new(Attributes.Title, ItemTypes.Book, Attributes.Title, Attributes.BookVersion),
            new(Attributes.Price, ItemTypes.Book, Attributes.Price, Attributes.BookVersion),
            new(Attributes.AuthorName, ItemTypes.Author, Attributes.Name, Attributes.AuthorVersion),
        ],
        new Dictionary<string, string> { ["genre"] = "fantasy", ["bookId"] = "0193b7", ["title"] = "A Wizard of Earthsea", [Attributes.AuthorName] = "Ursula K. Le Guin" });

    // Catalog (complete): the worker's book count and the genre copies' tombstones

    public static readonly ItemTypeSpec AuthorStats = new(
        ItemTypes.AuthorStats,
        "Catalog worker",
        "An aggregate over an author's books: how many the author has, kept incrementally (ADD 1 or -1 in the transaction that marks a book counted or removed, see BookCountMarker), so a book costs the same requests however many the author has. In the author's partition, so one Query reads it with the author; its own item, so the API's author writes never touch it. Created at 0 by author.registered (or by the first book counted), removed by author.deleted.",
        new("AUTHOR#{authorId}"),
        new("AUTHOR#{authorId}#STATS"),
        null,
        [
            new(Attributes.AuthorId, AttributeKind.S, "the author's id"),
            new(Attributes.BookCount, AttributeKind.N, "the number of the author's books marked counted"),
        ],
        [], // an aggregate, not a copy of one source attribute: the Ops check recomputes it from the Book items
        new Dictionary<string, string> { ["authorId"] = "0193a1", [Attributes.BookCount] = "3" });

    public static readonly ItemTypeSpec BookCountMarker = new(
        ItemTypes.BookCountMarker,
        "Catalog worker",
        "Whether one book is in its author's BookCount: put as counted in the transaction that adds 1, turned removed (a tombstone, never deleted) in the one that subtracts it, or put removed by a book.deleted that came first, so a duplicate or late book.added finds it and counts nothing. In a partition of its own, so no Query of the author's partition (the author page, its books) reads it, and no GSI1 keys.",
        new("BOOKCOUNT#{authorId}"),
        new("BOOK#{bookId}"),
        null,
        [
            new(Attributes.AuthorId, AttributeKind.S, "the author's id"),
            new(Attributes.BookId, AttributeKind.S, "the book's id"),
            new(Attributes.CountState, AttributeKind.S, "counted (in BookCount) or removed (never again)"),
            new(Attributes.BookVersion, AttributeKind.N, "the book version that set the state (the add's, or the deleting version for removed); 0 where ops repair set it"),
        ],
        [],
        new Dictionary<string, string> { ["authorId"] = "0193a1", ["bookId"] = "0193b7", [Attributes.CountState] = "counted" });

    public static readonly ItemTypeSpec BookCountClosed = new(
        ItemTypes.BookCountClosed,
        "Catalog worker",
        "Left by author.deleted in the transaction that removes the AuthorStats item: every count write is conditioned on its absence, so a late author.registered or book message cannot bring the count of a deleted author back. The author's markers stay (each removed once its book.deleted is handled) and cost nothing to keep.",
        new("BOOKCOUNT#{authorId}"),
        new("CLOSED"),
        null,
        [
            new(Attributes.AuthorId, AttributeKind.S, "the author's id"),
            new(Attributes.AuthorVersion, AttributeKind.N, "the author version that deleted the author"),
        ],
        [],
        new Dictionary<string, string> { ["authorId"] = "0193a1", [Attributes.AuthorVersion] = "3" });

    public static readonly ItemTypeSpec GenreBookTombstone = new(
        ItemTypes.GenreBookTombstone,
        "Catalog worker",
        "Left where a genre copy was when its book moved to another genre or was deleted: no GSI1 keys, so no genre list shows it, and its BookVersion refuses any copy built from an older read of the book.",
        new("GENRE#{genre}"),
        new("BOOK#{bookId}"),
        null,
        [
            new(Attributes.BookId, AttributeKind.S, "the book's id"),
            new(Attributes.BookVersion, AttributeKind.N, "the book version that moved or deleted it"),
        ],
        [],
        new Dictionary<string, string> { ["genre"] = "fantasy", ["bookId"] = "0193b7", [Attributes.BookVersion] = "4" });

    // Clients

    public static readonly ItemTypeSpec Client = new(
        ItemTypes.Client,
        "Clients",
        "A client with their phone numbers as a map on the item (type -> number); heads the client's item collection. Found by exact name through GSI1.",
        new("CLIENT#{clientId}"),
        new("CLIENT#{clientId}"),
        new(Gsi1, new("CLIENTNAME#{name}"), new("CLIENT#{clientId}")),
        [
            new(Attributes.ClientId, AttributeKind.S, "UUIDv7"),
            new(Attributes.Name, AttributeKind.S, "the client's full name"),
            new(Attributes.Email, AttributeKind.S, "the client's email"),
            new(Attributes.Phones, AttributeKind.M, "phone type -> number, e.g. {\"mobile\": \"+46...\"}; absent when the client has none", Required: false),
            new(Attributes.PhoneNumbers, AttributeKind.S, "every number of Phones joined by '|', for the contains() filter; absent with Phones", Required: false),
            new(Attributes.Version, AttributeKind.N, "the version of the client's stream"),
        ],
        [],
        new Dictionary<string, string> { ["clientId"] = "0193c2", ["name"] = "Malin Persson", [Attributes.Email] = "malin@example.se" });

    /// <summary>
    /// The client item's GSI2 keys, written from migration 1 on: clients by email (lower-cased, so the lookup does not
    /// depend on how it was typed), clients of the same email told apart by their id.
    /// </summary>
    public static readonly IndexKeySpec ClientEmail = new(Gsi2, new("CLIENTEMAIL#{email}"), new("CLIENT#{clientId}"));

    public static readonly ItemTypeSpec Address = new(
        ItemTypes.Address,
        "Clients",
        "One of a client's addresses, in the client's item collection, so one Query returns the client and every address.",
        new("CLIENT#{clientId}"),
        new("ADDRESS#{addressId}"),
        null,
        [
            new(Attributes.ClientId, AttributeKind.S, "the client's id"),
            new(Attributes.AddressId, AttributeKind.S, "UUIDv7"),
            new(Attributes.Street, AttributeKind.S, "street and number"),
            new(Attributes.City, AttributeKind.S, "city"),
            new(Attributes.PostalCode, AttributeKind.S, "postal code as written"),
            new(Attributes.Country, AttributeKind.S, "country"),
            new(Attributes.Version, AttributeKind.N, "the client version that added the address"),
        ],
        [],
        new Dictionary<string, string> { ["clientId"] = "0193c2", ["addressId"] = "0193c3", [Attributes.City] = "Malmö" });

    // ---- Orders (Orders API and Orders worker) ----

    public static readonly ItemTypeSpec Order = new(
        ItemTypes.Order,
        "Orders",
        "An order, in its client's partition; the UUIDv7 id sorts a client's orders by time. GSI1 lists orders by status (moved in the transaction of each status change). Carries copies of the client's name and email.",
        new("CLIENT#{clientId}"),
        new("ORDER#{orderId}"),
        new(Gsi1, new("ORDERSTATUS#{status}"), new("{placedAt}#{orderId}")),
        [
            new(Attributes.OrderId, AttributeKind.S, "UUIDv7"),
            new(Attributes.ClientId, AttributeKind.S, "the client's id"),
            new(Attributes.Status, AttributeKind.S, "placed, paid, shipped or cancelled"),
            new(Attributes.PlacedAt, AttributeKind.S, "ISO 8601 UTC, fixed width"),
            new(Attributes.Total, AttributeKind.N, "sum of price x quantity over the lines"),
            new(Attributes.LineCount, AttributeKind.N, "how many line items follow the order"),
            new(Attributes.ClientName, AttributeKind.S, "copy of the client's name"),
            new(Attributes.ClientEmail, AttributeKind.S, "copy of the client's email"),
            new(Attributes.ClientVersion, AttributeKind.N, "the client version the copies came from"),
            new(Attributes.Version, AttributeKind.N, "the version of the order's stream"),
        ],
        [
            new(Attributes.ClientName, ItemTypes.Client, Attributes.Name, Attributes.ClientVersion),
            new(Attributes.ClientEmail, ItemTypes.Client, Attributes.Email, Attributes.ClientVersion),
        ],
        new Dictionary<string, string> { ["clientId"] = "0193c2", ["orderId"] = "0193d4", ["status"] = "placed", ["placedAt"] = "2026-11-24T12:00:00.0000000Z", [Attributes.ClientName] = "Malin Persson" });

    public static readonly ItemTypeSpec OrderLine = new(
        ItemTypes.OrderLine,
        "Orders",
        "One line of an order, right after its order in the client's partition, so one Query reads an order with its lines. A snapshot of the book's title and price when ordered: never rewritten.",
        new("CLIENT#{clientId}"),
        new("ORDER#{orderId}#LINE#{lineNo}"),
        null,
        [
            new(Attributes.OrderId, AttributeKind.S, "the order's id"),
            new(Attributes.LineNo, AttributeKind.N, "1, 2, 3... (zero-padded to 3 digits in the key)"),
            new(Attributes.BookId, AttributeKind.S, "the book's id"),
            new(Attributes.AuthorId, AttributeKind.S, "the book's author"),
            new(Attributes.Title, AttributeKind.S, "the book's title when ordered (snapshot)"),
            new(Attributes.Price, AttributeKind.N, "the book's price when ordered (snapshot)"),
            new(Attributes.Quantity, AttributeKind.N, "1 or more"),
        ],
        [],
        new Dictionary<string, string> { ["clientId"] = "0193c2", ["orderId"] = "0193d4", ["lineNo"] = "001", [Attributes.Title] = "Dune", [Attributes.Quantity] = "2" });

    /// <summary>
    /// The order as migration 3 (<see cref="Migrations.OrderPartitions"/>) moves it: head and lines in the order's own
    /// partition, so one Query reads an order with its lines and nothing else, and a client's orders are listed from
    /// the sparse GSI2 keys only heads carry, without a filter.
    /// </summary>
    public static readonly ItemTypeSpec OrderV3 = Order with
    {
        Description = "An order from migration 3 on: the head of its own partition (its lines beside it). GSI1 lists orders by status as before; GSI2 lists a client's orders, newest first, heads only. Carries copies of the client's name and email.",
        PartitionKey = new("ORDER#{orderId}"),
        SortKey = new("ORDER"),
    };

    /// <summary>A client's orders in GSI2 (from migration 3 on): only order heads carry these keys.</summary>
    public static readonly IndexKeySpec ClientOrders = new(Gsi2, new("CLIENTORDERS#{clientId}"), new("ORDER#{orderId}"));

    public static readonly ItemTypeSpec OrderLineV3 = OrderLine with
    {
        Description = "One line of an order from migration 3 on, in the order's partition beside its head. A snapshot of the book's title and price when ordered: never rewritten.",
        PartitionKey = new("ORDER#{orderId}"),
        SortKey = new("LINE#{lineNo}"),
    };

    public static readonly ItemTypeSpec BookSale = new(
        ItemTypes.BookSale,
        "Orders",
        "The units of one book in one order, in the book's sales partition: written in the order's transaction and marked Cancelled in the cancel's, so the book's units sold is recomputed from one Query.",
        new("BOOKSALES#{bookId}"),
        new("ORDER#{orderId}"),
        null,
        [
            new(Attributes.BookId, AttributeKind.S, "the book's id"),
            new(Attributes.OrderId, AttributeKind.S, "the order's id"),
            new(Attributes.ClientId, AttributeKind.S, "the order's client"),
            new(Attributes.Quantity, AttributeKind.N, "units of the book in the order"),
            new(Attributes.Cancelled, AttributeKind.BOOL, "true once the order is cancelled", Required: false),
        ],
        [],
        new Dictionary<string, string> { ["bookId"] = "0193b7", ["orderId"] = "0193d4", [Attributes.Quantity] = "2" });

    public static readonly ItemTypeSpec ClientOrderStats = new(
        ItemTypes.ClientOrderStats,
        "Orders worker",
        "A client's order count and total spent, cancelled orders excluded; recomputed from the client's orders, guarded by the sum of their versions.",
        new("CLIENT#{clientId}"),
        new("ORDERSTATS"),
        null,
        [
            new(Attributes.ClientId, AttributeKind.S, "the client's id"),
            new(Attributes.OrderCount, AttributeKind.N, "orders not cancelled"),
            new(Attributes.TotalSpent, AttributeKind.N, "sum of their totals"),
            new(Attributes.SourceVersion, AttributeKind.N, "sum of the versions of all the client's orders it was computed from"),
        ],
        [],
        new Dictionary<string, string> { ["clientId"] = "0193c2", [Attributes.OrderCount] = "3", [Attributes.TotalSpent] = "42.50" });

    public static readonly ItemTypeSpec BookSales = new(
        ItemTypes.BookSales,
        "Orders worker",
        "A book's units sold, cancelled orders excluded; recomputed from the book's BookSale items, guarded by their count plus their cancelled count.",
        new("BOOKSALES#{bookId}"),
        new("TOTAL"),
        null,
        [
            new(Attributes.BookId, AttributeKind.S, "the book's id"),
            new(Attributes.UnitsSold, AttributeKind.N, "units on orders not cancelled"),
            new(Attributes.SourceVersion, AttributeKind.N, "sales items plus cancelled sales items it was computed from"),
        ],
        [],
        new Dictionary<string, string> { ["bookId"] = "0193b7", [Attributes.UnitsSold] = "7" });

    public static readonly ItemTypeSpec Idempotency = new(
        ItemTypes.Idempotency,
        "every service (its own creates)",
        "A create sent with an Idempotency-Key: put in progress before the create runs (a second request with the key meanwhile is a 409), completed with the create's answer in the create's own transaction (a retry with the same key and body gets that answer again, a different body is a 422).",
        IdempotencyItem.PartitionKey,
        IdempotencyItem.SortKey,
        null,
        [
            new(Attributes.RequestHash, AttributeKind.S, "SHA-256 of the command as the service understood it: its type and fields"),
            new(Attributes.IdempotencyState, AttributeKind.S, "in-progress or completed"),
            new(Attributes.LockToken, AttributeKind.S, "the in-progress request's own token, so only it completes or releases the key", Required: false),
            new(Attributes.LockedUntil, AttributeKind.S, "ISO 8601; an in-progress key older than this was abandoned and may be taken over", Required: false),
            new(Attributes.Response, AttributeKind.S, "the first answer as JSON, once completed", Required: false),
            new(Attributes.RecordedAt, AttributeKind.S, "ISO 8601", Required: false),
        ],
        [],
        new Dictionary<string, string> { ["service"] = "clients", ["key"] = "7f0c1d2e-retry-safe", [Attributes.IdempotencyState] = "completed" });

    /// <summary>Every item type, in the order the data model lists them.</summary>
    public static IReadOnlyList<ItemTypeSpec> ItemTypeSpecs { get; } =
    [
        Event, Idempotency,
        Author, Book, GenreBook, AuthorStats, BookCountMarker, BookCountClosed, GenreBookTombstone,
        Client, Address,
        Order, OrderLine, BookSale, ClientOrderStats, BookSales,
    ];

    /// <summary>The shapes a migration moves item types to, beside the ones above until it is applied on a table.</summary>
    public static IReadOnlyList<(int Migration, ItemTypeSpec Type)> MigratedShapes { get; } =
    [
        (Migrations.OrderPartitions.Number, OrderV3), (Migrations.OrderPartitions.Number, OrderLineV3),
    ];

    /// <summary>
    /// The table's TTL attribute: the one that item types declare (<see cref="ItemTypeSpec.TimeToLive"/>), or null
    /// when none does (today none does). DynamoDB allows one per table, so two different ones are refused.
    /// </summary>
    public static string? TimeToLiveAttribute(IEnumerable<ItemTypeSpec> types)
    {
        var declared = types.Select(t => t.TimeToLive).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        return declared.Count switch
        {
            0 => null,
            1 => declared[0],
            _ => throw new InvalidOperationException($"A table has one TTL attribute; item types declare {string.Join(", ", declared)}."),
        };
    }

    /// <summary>Every item type, the shapes migrations move to included.</summary>
    public static IEnumerable<ItemTypeSpec> AllShapes => ItemTypeSpecs.Concat(MigratedShapes.Select(m => m.Type));

    public static ItemTypeSpec Find(string itemType) =>
        ItemTypeSpecs.SingleOrDefault(t => t.Name == itemType) ?? throw new ArgumentException($"No item type {itemType} is declared.", nameof(itemType));

    /// <summary>Every access pattern and the one request that serves it.</summary>
    public static IReadOnlyList<AccessPatternSpec> AccessPatterns { get; } =
    [
        new("An author and all their books", "Catalog", "Query", null, "PK = AUTHOR#{authorId}", null, "Author, Book"),
        new("A book by its author and title", "Catalog", "GetItem", null, "PK = AUTHOR#{authorId} AND SK = BOOK#{title}", null, "Book"),
        new("An author's books sorted by title", "Catalog", "Query", null, "PK = AUTHOR#{authorId} AND begins_with(SK, BOOK#)", null, "Book"),
        new("An author's books whose title starts with a prefix", "Catalog", "Query", null, "PK = AUTHOR#{authorId} AND begins_with(SK, BOOK#{prefix})", null, "Book"),
        new("A genre's books sorted by title, with their authors' names", "Catalog", "Query", Gsi1, "GSI1PK = GENRE#{genre}", null, "GenreBook"),
        // Catalog (complete)
        new("Authors sorted by name, a page at a time", "Catalog", "Query", Gsi1, "GSI1PK = AUTHORS", null, "Author"),
        new("An author, their books and their book count", "Catalog", "Query", null, "PK = AUTHOR#{authorId}", null, "Author, AuthorStats, Book"),
        new("Whether a book is in its author's count (the worker, on book.deleted after a refused transaction)", "Catalog worker", "GetItem", null, "PK = BOOKCOUNT#{authorId} AND SK = BOOK#{bookId}", null, "BookCountMarker"),
        new("A book by its id (its stream's fold gives its author and title, then the key)", "Catalog", "Query", null, "PK = STREAM#book#{bookId}", null, "Event"),
        new("A book by its id in the worker (the author's books, filtered)", "Catalog worker", "Query", null, "PK = AUTHOR#{authorId} AND begins_with(SK, BOOK#)", "BookId = :bookId", "Book"),
        new("Whether an author still has books", "Catalog", "Query", null, "PK = AUTHOR#{authorId} AND begins_with(SK, BOOK#)", null, "Book"),
        new("A stream's events in order", "every service", "Query", null, "PK = STREAM#{streamType}#{streamId}", null, "Event"),
        new("A client with all their details, numbers and addresses", "Clients", "Query", null, "PK = CLIENT#{clientId}", null, "Client, Address"),
        new("Clients by exact name, numbers included", "Clients", "Query", Gsi1, "GSI1PK = CLIENTNAME#{name}", null, "Client"),
        new("Clients by email, in any case (from migration 1 on)", "Clients", "Query", Gsi2, "GSI2PK = CLIENTEMAIL#{email, lower-cased}", null, "Client"),
        new("A client's numbers containing some digits (filtered after the read)", "Clients", "Query", null, "PK = CLIENT#{clientId} AND SK = CLIENT#{clientId}", "contains(PhoneNumbers, :digits)", "Client"),
        new("A create's first result by its idempotency key", "every service", "GetItem", null, "PK = IDEMPOTENCY#{service}#{key} AND SK = IDEMPOTENCY#", null, "Idempotency"),
        // ---- Orders ----
        new("A client's orders, newest first, without their lines (before migration 3)", "Orders", "Query (ScanIndexForward = false)", null, "PK = CLIENT#{clientId} AND begins_with(SK, ORDER#)", "ItemType = Order", "Order"),
        new("An order with its lines (before migration 3)", "Orders", "Query", null, "PK = CLIENT#{clientId} AND begins_with(SK, ORDER#{orderId})", null, "Order, OrderLine"),
        new("A client's orders, newest first, without their lines (from migration 3 on)", "Orders", "Query (ScanIndexForward = false)", Gsi2, "GSI2PK = CLIENTORDERS#{clientId}", null, "Order"),
        new("An order with its lines (from migration 3 on)", "Orders", "Query", null, "PK = ORDER#{orderId}", null, "Order, OrderLine"),
        new("Orders by status, oldest first", "Orders", "Query", Gsi1, "GSI1PK = ORDERSTATUS#{status}", null, "Order"),
        new("A client's order count and total spent", "Orders", "GetItem", null, "PK = CLIENT#{clientId} AND SK = ORDERSTATS", null, "ClientOrderStats"),
        new("A book's sales and units sold", "Orders", "Query", null, "PK = BOOKSALES#{bookId}", null, "BookSale, BookSales"),
    ];
}
