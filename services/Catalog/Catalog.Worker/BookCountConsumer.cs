using MassTransit;
using Microservices.Contracts.Catalog;

namespace Catalog.Worker;

/// <summary>
/// Keeps an author's book count as books are added and deleted: each message changes the count by at most one,
/// through the book's marker (<see cref="BookCountWriter"/>), so duplicates and any order of delivery end on the
/// same count.
/// </summary>
public sealed class BookCountConsumer(BookCountWriter writer) :
    IConsumer<AuthorRegisteredV1>,
    IConsumer<AuthorDeletedV1>,
    IConsumer<BookAddedV1>,
    IConsumer<BookDeletedV1>
{
    public Task Consume(ConsumeContext<AuthorRegisteredV1> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return writer.AuthorRegisteredAsync(context.Message.AuthorId, context.CancellationToken);
    }

    public Task Consume(ConsumeContext<AuthorDeletedV1> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return writer.AuthorDeletedAsync(context.Message.AuthorId, context.Message.StreamVersion, context.CancellationToken);
    }

    public Task Consume(ConsumeContext<BookAddedV1> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var message = context.Message;
        return writer.BookAddedAsync(message.AuthorId, message.BookId, message.StreamVersion, context.CancellationToken);
    }

    public Task Consume(ConsumeContext<BookDeletedV1> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var message = context.Message;
        return writer.BookDeletedAsync(message.AuthorId, message.BookId, message.StreamVersion, context.CancellationToken);
    }
}
