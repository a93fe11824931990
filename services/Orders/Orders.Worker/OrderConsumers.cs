using MassTransit;
using Microservices.Contracts.Clients;
using Microservices.Contracts.Orders;
using Orders.Domain;

namespace Orders.Worker;

/// <summary>Rewrites the client copies on every order of the changed client, with the details the message carries.</summary>
public sealed class ClientDetailsChangedConsumer(ClientCopyWriter writer) : IConsumer<ClientDetailsChangedV1>
{
    public Task Consume(ConsumeContext<ClientDetailsChangedV1> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var changed = context.Message;
        return writer.RefreshClientAsync(
            changed.ClientId, new ClientCopy(changed.Name, changed.Email, changed.StreamVersion), context.CancellationToken);
    }
}

/// <summary>
/// A new order: re-checks its client copy against the client's current version (the create-versus-change race),
/// and recomputes the client's stats and each ordered book's units sold.
/// </summary>
public sealed class OrderPlacedConsumer(ClientCopyWriter writer, OrderAggregates aggregates) : IConsumer<OrderPlacedV1>
{
    public async Task Consume(ConsumeContext<OrderPlacedV1> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var placed = context.Message;
        await writer.RefreshOrderAsync(placed.ClientId, placed.OrderId, context.CancellationToken);
        await aggregates.RecomputeClientStatsAsync(placed.ClientId, placed.OrderId, context.CancellationToken);
        foreach (var bookId in placed.Lines.Select(l => l.BookId).Distinct(StringComparer.Ordinal))
        {
            await aggregates.RecomputeBookSalesAsync(bookId, context.CancellationToken);
        }
    }
}

/// <summary>A cancelled order leaves its client's stats and its books' units sold: both are recomputed.</summary>
public sealed class OrderCancelledConsumer(OrderAggregates aggregates) : IConsumer<OrderCancelledV1>
{
    public async Task Consume(ConsumeContext<OrderCancelledV1> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var cancelled = context.Message;
        await aggregates.RecomputeClientStatsAsync(cancelled.ClientId, cancelled.OrderId, context.CancellationToken);
        foreach (var bookId in await aggregates.BooksOfOrderAsync(cancelled.ClientId, cancelled.OrderId, context.CancellationToken))
        {
            await aggregates.RecomputeBookSalesAsync(bookId, context.CancellationToken);
        }
    }
}
