using MassTransit;
using Microservices.Contracts.Catalog;

namespace Catalog.Worker;

/// <summary>
/// Writes the new book's genre copy. The message only says which book changed; the copy is built from the current
/// book and author, so a late or repeated message writes nothing older than what is stored.
/// </summary>
public sealed class BookAddedConsumer(GenreCopyWriter writer) : IConsumer<BookAddedV1>
{
    public Task Consume(ConsumeContext<BookAddedV1> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return writer.RefreshBookAsync(context.Message.AuthorId, context.Message.BookId, context.Message.Title, context.CancellationToken);
    }
}
