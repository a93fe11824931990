using Microservices.Contracts.Catalog;
using Microservices.Contracts.Clients;
using Microservices.Contracts.Orders;

namespace Microservices.Contracts;

/// <summary>
/// Who takes which contract on the broker, declared once as data: each durable queue and the contracts bound to it.
/// The workers name their endpoints from here, and the relay declares these queues and bindings before it publishes
/// anything, so an event published before a worker first started waits in its queue instead of being dropped.
/// A worker that consumes a new contract adds it here; a test fails when a worker's consumers and this list differ.
/// </summary>
public static class Subscriptions
{
    /// <summary>The Catalog worker's genre copies.</summary>
    public const string GenreCopies = "catalog-genre-copies";

    /// <summary>The Catalog worker's book counts.</summary>
    public const string BookCounts = "catalog-book-counts";

    /// <summary>The Orders worker's client copies and aggregates.</summary>
    public const string OrderProjections = "orders-projections";

    public static IReadOnlyDictionary<string, IReadOnlyList<Type>> Queues { get; } = new Dictionary<string, IReadOnlyList<Type>>(StringComparer.Ordinal)
    {
        [GenreCopies] =
        [
            typeof(BookAddedV1), typeof(AuthorRenamedV1), typeof(BookPriceChangedV1), typeof(BookRetitledV1),
            typeof(BookGenreChangedV1), typeof(BookDeletedV1),
        ],
        [BookCounts] = [typeof(AuthorRegisteredV1), typeof(AuthorDeletedV1), typeof(BookAddedV1), typeof(BookDeletedV1)],
        [OrderProjections] = [typeof(ClientDetailsChangedV1), typeof(OrderPlacedV1), typeof(OrderCancelledV1)],
    };
}
