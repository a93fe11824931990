using Microservices.Contracts.Catalog;
using Microservices.EventSourcing;

namespace Catalog.Domain;

/// <summary>
/// Catalog's stored events and the integration contracts other services (and its own workers) read. It lives in the
/// domain project, so the one stream relay process can reference it without the worker.
/// </summary>
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
            BookPriceChanged e => new BookPriceChangedV1(
                stored.EventId, stored.Stream, stored.Version, stored.RecordedAt, e.BookId, e.AuthorId, e.Price),
            BookGenreChanged e => new BookGenreChangedV1(
                stored.EventId, stored.Stream, stored.Version, stored.RecordedAt, e.BookId, e.AuthorId, e.OldGenre, e.Genre),
            BookRetitled e => new BookRetitledV1(
                stored.EventId, stored.Stream, stored.Version, stored.RecordedAt, e.BookId, e.AuthorId, e.OldTitle, e.Title),
            BookDeleted e => new BookDeletedV1(
                stored.EventId, stored.Stream, stored.Version, stored.RecordedAt, e.BookId, e.AuthorId, e.Title, e.Genre),
            AuthorDeleted e => new AuthorDeletedV1(stored.EventId, stored.Stream, stored.Version, stored.RecordedAt, e.AuthorId),
            var other => throw new InvalidOperationException($"Catalog event {other.GetType().Name} has no integration contract."),
        };
    }
}
