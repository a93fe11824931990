using Amazon.DynamoDBv2.Model;
using Mediator;
using Microservices.EventSourcing;
using Microservices.Schema;
using Microservices.ServiceDefaults;
using Microservices.SingleTable;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Orders.Domain;

namespace Orders.Api.Features;

public sealed record ChangeOrderStatusBody(long? ExpectedVersion);

public sealed record OrderStatusResponse(string Status, long Version);

public enum OrderAction
{
    Pay,
    Ship,
    Cancel,
}

public sealed record ChangeOrderStatus(string ClientId, string OrderId, OrderAction Action, long ExpectedVersion)
    : ICommand<OrderStatusResponse>;

/// <summary>
/// Pay, ship and cancel: one feature, three verbs of the same status machine. One transaction: the event, the order
/// item's status moved in GSI1 (an update, conditioned on the version, that leaves the worker's client copies alone),
/// and on cancel every sale item of the order marked cancelled, so a book's units sold can be recomputed.
/// </summary>
public sealed class ChangeOrderStatusHandler(EventStore store, IOptions<DynamoDbOptions> options)
    : ICommandHandler<ChangeOrderStatus, OrderStatusResponse>
{
    private readonly string _table = options.Value.TableName;

    public async ValueTask<OrderStatusResponse> Handle(ChangeOrderStatus command, CancellationToken cancellationToken)
    {
        var stream = OrderEvents.Order(command.OrderId);
        var state = Order.Fold(command.OrderId, (await store.ReadAsync(stream, cancellationToken)).Select(e => e.Data));
        if (state.Exists && state.ClientId != command.ClientId)
        {
            throw new NotFoundException("Order", command.OrderId); // another client's order is not at this address
        }

        var events = command.Action switch
        {
            OrderAction.Pay => Order.Pay(state, command.ExpectedVersion),
            OrderAction.Ship => Order.Ship(state, command.ExpectedVersion),
            _ => Order.Cancel(state, command.ExpectedVersion),
        };
        var changed = events.Aggregate(state, Order.Apply);
        var writes = new List<GuardedWrite> { StatusUpdate(changed, state.Version, stream) };
        if (changed.Status == OrderStatus.Cancelled)
        {
            writes.AddRange(changed.Lines.Select(l => l.BookId).Distinct(StringComparer.Ordinal).Select(bookId => SaleCancelled(bookId, changed.OrderId)));
        }

        var version = await store.AppendAsync(stream, state.Version, events, writes, cancellationToken);
        return new OrderStatusResponse(OrderStatuses.Name(changed.Status), version);
    }

    private GuardedWrite StatusUpdate(Order changed, long expectedVersion, StreamName stream)
    {
        var key = Keys.Order(changed.ClientId, changed.OrderId);
        var status = OrderStatuses.Name(changed.Status);
        return new GuardedWrite(
            new TransactWriteItem
            {
                Update = new Update
                {
                    TableName = _table,
                    Key = new() { [Attributes.PK] = new(key.PK), [Attributes.SK] = new(key.SK) },
                    UpdateExpression = "SET #status = :status, GSI1PK = :gsi1pk, Version = :version",
                    ConditionExpression = "Version = :expected",
                    ExpressionAttributeNames = new() { ["#status"] = Attributes.Status },
                    ExpressionAttributeValues = new()
                    {
                        [":status"] = new(status),
                        [":gsi1pk"] = new(Keys.OrderStatusIndexKey(status)),
                        [":version"] = OrderItems.Number(changed.Version),
                        [":expected"] = OrderItems.Number(expectedVersion),
                    },
                },
            },
            () => new VersionConflictException(stream.ToString(), expectedVersion));
    }

    private GuardedWrite SaleCancelled(string bookId, string orderId)
    {
        var key = Keys.BookSale(bookId, orderId);
        return new GuardedWrite(
            new TransactWriteItem
            {
                Update = new Update
                {
                    TableName = _table,
                    Key = new() { [Attributes.PK] = new(key.PK), [Attributes.SK] = new(key.SK) },
                    UpdateExpression = "SET Cancelled = :true",
                    ConditionExpression = "attribute_exists(PK)",
                    ExpressionAttributeValues = new() { [":true"] = new() { BOOL = true } },
                },
            },
            () => new InvalidOperationException($"Order {orderId} has no sale item for book {bookId}."));
    }
}

public static class ChangeOrderStatusEndpoint
{
    /// <summary>
    /// POST /orders/{clientId}/{orderId}/pay|ship|cancel: the client id is part of an order's address because the
    /// order lives in its client's partition, so a command reaches it without an index lookup.
    /// </summary>
    public static void MapChangeOrderStatus(this IEndpointRouteBuilder app)
    {
        Map(app, "pay", OrderAction.Pay, "PayOrder");
        Map(app, "ship", OrderAction.Ship, "ShipOrder");
        Map(app, "cancel", OrderAction.Cancel, "CancelOrder");
    }

    private static void Map(IEndpointRouteBuilder app, string verb, OrderAction action, string name) =>
        app.MapPost($"/orders/{{clientId}}/{{orderId}}/{verb}", async Task<Results<Ok<OrderStatusResponse>, ValidationProblem>> (
                string clientId, string orderId, ChangeOrderStatusBody body, IMediator mediator, CancellationToken cancellationToken) =>
            {
                OrdersRoutes.RequireId(clientId, "Client");
                OrdersRoutes.RequireId(orderId, "Order");
                var validation = new Validation()
                    .Require(body.ExpectedVersion is not null, "expectedVersion", "expectedVersion is required.")
                    .Require(body.ExpectedVersion is null or > 0, "expectedVersion", "expectedVersion must be at least 1.");
                if (!validation.IsValid)
                {
                    return TypedResults.ValidationProblem(validation.Errors);
                }

                return TypedResults.Ok(await mediator.Send(
                    new ChangeOrderStatus(clientId, orderId, action, body.ExpectedVersion!.Value), cancellationToken));
            })
            .WithName(name)
            .WithTags("Orders")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
}
