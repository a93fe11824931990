using MassTransit;
using Microservices.Contracts.Catalog;

namespace Catalog.Worker;

/// <summary>
/// Recounts an author's books whenever the set of their books or the author itself may have changed. The message
/// only names the author: the count comes from the partition as it is now.
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
        return writer.RecountAsync(context.Message.AuthorId, context.CancellationToken);
    }

    public Task Consume(ConsumeContext<AuthorDeletedV1> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return writer.RecountAsync(context.Message.AuthorId, context.CancellationToken);
    }

    public Task Consume(ConsumeContext<BookAddedV1> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return writer.RecountAsync(context.Message.AuthorId, context.CancellationToken);
    }

    public Task Consume(ConsumeContext<BookDeletedV1> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return writer.RecountAsync(context.Message.AuthorId, context.CancellationToken);
    }
}
