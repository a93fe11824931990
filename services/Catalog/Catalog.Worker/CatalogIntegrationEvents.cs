using Catalog.Domain;
using Microservices.Contracts.Catalog;
using Microservices.Shared.Messaging;

namespace Catalog.Worker;

/// <summary>Catalog's stored events and the integration contracts other services (and its own workers) read.</summary>
public sealed class CatalogIntegrationEvents : IIntegrationEventMap
{
    public object? ToContract(StoredEvent stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (!CatalogEvents.Types.Knows(stored.EventType))
        {
            return null; // another service's event in the shared table
        }

        return CatalogEvents.Types.Deserialize(stored.EventType, stored.Data) switch
        {
            AuthorRegistered e => new AuthorRegisteredV1(stored.EventId, stored.Stream, stored.Version, stored.RecordedAt, e.AuthorId, e.Name),
            AuthorRenamed e => new AuthorRenamedV1(stored.EventId, stored.Stream, stored.Version, stored.RecordedAt, e.AuthorId, e.Name),
            BookAdded e => new BookAddedV1(
                stored.EventId, stored.Stream, stored.Version, stored.RecordedAt, e.BookId, e.AuthorId, e.Title, e.Genre, e.Price),
            var other => throw new InvalidOperationException($"Catalog event {other.GetType().Name} has no integration contract."),
        };
    }
}
