namespace Microservices.Contracts.Catalog;

// The Catalog service's integration events. Each begins with what every contract carries (IIntegrationEvent:
// EventId, StreamId, StreamVersion, OccurredAt), then the event's own data.

/// <summary>author.registered.v1: a new author.</summary>
public sealed record AuthorRegisteredV1(Guid EventId, string StreamId, long StreamVersion, DateTimeOffset OccurredAt,
    string AuthorId, string Name) : IIntegrationEvent;

/// <summary>author.renamed.v1: an author's new name.</summary>
public sealed record AuthorRenamedV1(Guid EventId, string StreamId, long StreamVersion, DateTimeOffset OccurredAt,
    string AuthorId, string Name) : IIntegrationEvent;

/// <summary>author.deleted.v1: an author with no books is gone.</summary>
public sealed record AuthorDeletedV1(Guid EventId, string StreamId, long StreamVersion, DateTimeOffset OccurredAt,
    string AuthorId) : IIntegrationEvent;

/// <summary>
/// book.added.v1: a new book of an author. Published as <see cref="BookAddedV2"/> since prices carry a currency; a
/// v2 message is a v1 message too (the broker delivers it to v1's consumers, which read the fields they know), so a
/// consumer moves to v2 when it needs the currency, not when the publisher changed.
/// </summary>
public record BookAddedV1(Guid EventId, string StreamId, long StreamVersion, DateTimeOffset OccurredAt,
    string BookId, string AuthorId, string Title, string Genre, decimal Price) : IIntegrationEvent;

/// <summary>book.added.v2: a new book of an author, its price in <paramref name="Currency"/> (ISO 4217).</summary>
public sealed record BookAddedV2(Guid EventId, string StreamId, long StreamVersion, DateTimeOffset OccurredAt,
    string BookId, string AuthorId, string Title, string Genre, decimal Price, string Currency)
    : BookAddedV1(EventId, StreamId, StreamVersion, OccurredAt, BookId, AuthorId, Title, Genre, Price);

/// <summary>book.price-changed.v1: a book's new price.</summary>
public sealed record BookPriceChangedV1(Guid EventId, string StreamId, long StreamVersion, DateTimeOffset OccurredAt,
    string BookId, string AuthorId, decimal Price) : IIntegrationEvent;

/// <summary>book.genre-changed.v1: a book moved from one genre to another.</summary>
public sealed record BookGenreChangedV1(Guid EventId, string StreamId, long StreamVersion, DateTimeOffset OccurredAt,
    string BookId, string AuthorId, string OldGenre, string Genre) : IIntegrationEvent;

/// <summary>book.retitled.v1: a book's new title (its sort key in the author's partition).</summary>
public sealed record BookRetitledV1(Guid EventId, string StreamId, long StreamVersion, DateTimeOffset OccurredAt,
    string BookId, string AuthorId, string OldTitle, string Title) : IIntegrationEvent;

/// <summary>book.deleted.v1: a book is gone; StreamVersion is the version that deleted it.</summary>
public sealed record BookDeletedV1(Guid EventId, string StreamId, long StreamVersion, DateTimeOffset OccurredAt,
    string BookId, string AuthorId, string Title, string Genre) : IIntegrationEvent;
