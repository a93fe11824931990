using Microservices.EventSourcing;

namespace Microservices.Schema;

/// <summary>The value of the <see cref="Attributes.ItemType"/> attribute on every item in the table.</summary>
public static class ItemTypes
{
    public const string Event = EventItem.ItemType;
    public const string Author = "Author";
    public const string Book = "Book";
    public const string GenreBook = "GenreBook";
    public const string Client = "Client";

    // Clients
    public const string Address = "Address";

    // Catalog (complete)
    public const string AuthorStats = "AuthorStats";
    public const string BookCountMarker = "BookCountMarker";
    public const string BookCountClosed = "BookCountClosed";
    public const string GenreBookTombstone = "GenreBookTombstone";

    // ---- Orders ----
    public const string Order = "Order";
    public const string OrderLine = "OrderLine";
    public const string BookSale = "BookSale";
    public const string ClientOrderStats = "ClientOrderStats";
    public const string BookSales = "BookSales";
    public const string Idempotency = IdempotencyItem.ItemType;
}
