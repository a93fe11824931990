using Catalog.Domain;
using MassTransit;
using Microservices.Contracts.Catalog;

namespace Catalog.Worker;

/// <summary>
/// Rewrites the genre copy of every book of the renamed author with the name and version the message carries: the
/// rename is the author's state at that version, so the author need not be read again.
/// </summary>
public sealed class AuthorRenamedConsumer(GenreCopyWriter writer) : IConsumer<AuthorRenamedV1>
{
    public Task Consume(ConsumeContext<AuthorRenamedV1> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var renamed = context.Message;
        return writer.RefreshAuthorAsync(new Author(renamed.AuthorId, renamed.Name, renamed.StreamVersion), context.CancellationToken);
    }
}
