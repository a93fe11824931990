using MassTransit;
using Microservices.Contracts.Catalog;

namespace Catalog.Worker;

/// <summary>Rewrites the genre copy of every book of the renamed author, from the author's current name.</summary>
public sealed class AuthorRenamedConsumer(GenreCopyWriter writer) : IConsumer<AuthorRenamedV1>
{
    public Task Consume(ConsumeContext<AuthorRenamedV1> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return writer.RefreshAuthorAsync(context.Message.AuthorId, context.CancellationToken);
    }
}
