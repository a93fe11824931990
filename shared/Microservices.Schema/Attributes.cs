using Microservices.EventSourcing;
using Microservices.SingleTable;

namespace Microservices.Schema;

/// <summary>
/// Every attribute name of this application's table, shared by the services, the workers and the consistency check.
/// The key attributes are the single table's (<see cref="TableLayout"/>) and the event items' are event sourcing's
/// (<see cref="EventItem"/>): named here too, so the application reads every name from one list.
/// </summary>
public static class Attributes
{
    public const string PK = TableLayout.PK;
    public const string SK = TableLayout.SK;
    public const string GSI1PK = TableLayout.GSI1PK;
    public const string GSI1SK = TableLayout.GSI1SK;
    public const string GSI2PK = TableLayout.GSI2PK;
    public const string GSI2SK = TableLayout.GSI2SK;
    public const string ItemType = TableLayout.ItemType;

    /// <summary>The version of an aggregate's stream on its canonical item, as on each of its event items.</summary>
    public const string Version = EventItem.Version;

    // Event items
    public const string StreamType = EventItem.StreamType;
    public const string StreamId = EventItem.StreamId;
    public const string EventType = EventItem.EventType;
    public const string Data = EventItem.Data;
    public const string RecordedAt = EventItem.RecordedAt;

    // Event items: the integration contract the owning service publishes the event as (its type name and its JSON).
    public const string ContractType = EventItem.ContractType;
    public const string Contract = EventItem.Contract;

    // Event items: the aggregate's state after the event, on the last event of each append (a command's starting point).
    public const string Snapshot = EventItem.Snapshot;

    // Event items: the W3C trace context of the append, so a stream consumer continues the command's trace.
    public const string TraceParent = EventItem.TraceParent;
    public const string TraceState = EventItem.TraceState;

    // Catalog items
    public const string AuthorId = "AuthorId";
    public const string Name = "Name";
    public const string BookId = "BookId";
    public const string Title = "Title";
    public const string Genre = "Genre";
    public const string Price = "Price";
    public const string Currency = "Currency";

    // Client items
    public const string ClientId = "ClientId";
    public const string Email = "Email";
    public const string Phones = "Phones";

    // Clients: the numbers of Phones joined by '|' for the contains() filter (DynamoDB cannot filter on a map's values
    // without naming their keys), the address items, and the idempotency items of creates.
    public const string PhoneNumbers = "PhoneNumbers";
    public const string AddressId = "AddressId";
    public const string Street = "Street";
    public const string City = "City";
    public const string PostalCode = "PostalCode";
    public const string Country = "Country";

    // Idempotent creates (every service): the request's fingerprint, where the create is, and its first answer.
    public const string RequestHash = IdempotencyItem.RequestHash;
    public const string IdempotencyState = IdempotencyItem.State;
    public const string LockToken = IdempotencyItem.LockToken;
    public const string LockedUntil = IdempotencyItem.LockedUntil;

    // Genre copies: the author's name and the versions of both sources the copy was built from.
    public const string AuthorName = "AuthorName";
    public const string BookVersion = "BookVersion";
    public const string AuthorVersion = "AuthorVersion";

    // Catalog (complete): the worker's book count, and whether each book is in it (CountStates).
    public const string BookCount = "BookCount";
    public const string BookAdds = "BookAdds";
    public const string CountState = "CountState";
    public const string Response = IdempotencyItem.Response;

    // ---- Orders (owned by the Orders service) ----
    public const string OrderId = "OrderId";
    public const string Status = "Status";
    public const string PlacedAt = "PlacedAt";
    public const string Total = "Total";
    public const string LineCount = "LineCount";
    public const string LineNo = "LineNo";
    public const string Quantity = "Quantity";
    public const string Cancelled = "Cancelled";

    // Order items: copies of the client's name and email, and the client version they were taken from.
    public const string ClientName = "ClientName";
    public const string ClientEmail = "ClientEmail";
    public const string ClientVersion = "ClientVersion";

    // Orders' aggregates: the figures and the monotonic version of the sources they were recomputed from.
    public const string OrderCount = "OrderCount";
    public const string TotalSpent = "TotalSpent";
    public const string UnitsSold = "UnitsSold";
    public const string SourceVersion = "SourceVersion";

    public const string Service = "Service";
}
