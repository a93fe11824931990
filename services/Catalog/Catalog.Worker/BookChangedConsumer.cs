using MassTransit;
using Microservices.Contracts.Catalog;

namespace Catalog.Worker;

/// <summary>
/// Keeps a book's genre copy through its changes. Each message only says which book changed: the copy is rebuilt
/// from the current book and author, and the copies the book left behind become tombstones, so duplicates, reordering
/// and a late book.added cannot bring back a copy that should be gone.
/// </summary>
public sealed class BookChangedConsumer(GenreCopyWriter writer) :
    IConsumer<BookPriceChangedV1>,
    IConsumer<BookRetitledV1>,
    IConsumer<BookGenreChangedV1>,
    IConsumer<BookDeletedV1>
{
    public Task Consume(ConsumeContext<BookPriceChangedV1> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return writer.RefreshBookAsync(context.Message.AuthorId, context.Message.BookId, null, context.CancellationToken);
    }

    /// <summary>The copy keeps its key (GENRE#{genre} / BOOK#{bookId}); its title and GSI1 sort key are rewritten.</summary>
    public Task Consume(ConsumeContext<BookRetitledV1> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return writer.RefreshBookAsync(context.Message.AuthorId, context.Message.BookId, context.Message.Title, context.CancellationToken);
    }

    public Task Consume(ConsumeContext<BookGenreChangedV1> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var message = context.Message;
        return writer.MoveAsync(message.AuthorId, message.BookId, message.OldGenre, message.StreamVersion, context.CancellationToken);
    }

    /// <summary>The copy in the genre the book had when deleted becomes a tombstone at the deleting version.</summary>
    public Task Consume(ConsumeContext<BookDeletedV1> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var message = context.Message;
        return writer.TombstoneAsync(message.Genre, message.BookId, message.StreamVersion, context.CancellationToken);
    }
}
