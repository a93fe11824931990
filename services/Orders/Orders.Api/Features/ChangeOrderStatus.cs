using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Orders.Api.Features;

public sealed record ChangeOrderStatusBody(long? ExpectedVersion) : IValidatable
{
    public void Validate(Validation validation) => validation.ExpectedVersion(ExpectedVersion);
}

public sealed record OrderStatusResponse(string Status, long Version);

public enum OrderAction
{
    Pay,
    Ship,
    Cancel,
}

public sealed record ChangeOrderStatus(string ClientId, string OrderId, OrderAction Action, long ExpectedVersion, Caller Caller)
    : ICommand<OrderStatusResponse>;

/// <summary>
/// Pay, ship and cancel: one feature, three verbs of the same status machine. One transaction: the event, the order
/// head's status moved in GSI1, and on cancel every sale item of the order marked cancelled, so a book's units sold
/// can be recomputed. While migration 3 moves orders, the head is updated where the plan says to look first; if the
/// update is refused and no head is there, the order moved before the transaction, and the command runs again
/// against the other place (an order moves once per run, one way).
/// </summary>
public sealed class ChangeOrderStatusHandler(CommandRunner<Order> orders, OrderLayout layout, IAmazonDynamoDB dynamo)
    : ICommandHandler<ChangeOrderStatus, OrderStatusResponse>
{
    public async ValueTask<OrderStatusResponse> Handle(ChangeOrderStatus command, CancellationToken cancellationToken)
    {
        var plan = await layout.CurrentAsync(cancellationToken);
        for (var place = 0; ; place++)
        {
            var shape = plan.Reads[place];
            try
            {
                var done = await orders.Run(
                    command.OrderId,
                    state =>
                    {
                        command.Caller.RequireOwner(state.ClientId, "Order", command.OrderId);
                        return command.Action switch
                        {
                            OrderAction.Pay => Order.Pay(state.OfClient(command.ClientId), command.ExpectedVersion),
                            OrderAction.Ship => Order.Ship(state.OfClient(command.ClientId), command.ExpectedVersion),
                            _ => Order.Cancel(state.OfClient(command.ClientId), command.ExpectedVersion),
                        };
                    },
                    change => change.After.Status == OrderStatus.Cancelled
                        ? change.After.Lines.Select(l => l.BookId).Distinct(StringComparer.Ordinal).Select(bookId => SaleCancelled(change.Table, bookId, change.After.OrderId))
                        : [],
                    cancellationToken,
                    canonical: change => [OrdersAggregates.StatusUpdate(change, shape)]);
                return new OrderStatusResponse(OrderStatuses.Name(done.State.Status), done.Version);
            }
            catch (VersionConflictException) when (place + 1 < plan.Reads.Count)
            {
                if (await HeadExistsAsync(command, shape, cancellationToken))
                {
                    throw; // a stale version: the head is here, at another version
                }

                // Not a stale version: the head is in the other place.
            }
        }
    }

    private async Task<bool> HeadExistsAsync(ChangeOrderStatus command, OrderShape shape, CancellationToken cancellationToken)
    {
        var key = OrderItems.HeadKey(command.ClientId, command.OrderId, shape);
        var found = await dynamo.GetItemAsync(new GetItemRequest
        {
            TableName = orders.Table,
            Key = new() { [Attributes.PK] = new(key.PK), [Attributes.SK] = new(key.SK) },
            ConsistentRead = true,
            ProjectionExpression = Attributes.PK,
        }, cancellationToken);
        return found.Item is { Count: > 0 };
    }

    private static GuardedWrite SaleCancelled(string table, string bookId, string orderId)
    {
        var key = Keys.BookSale(bookId, orderId);
        return new GuardedWrite(
            new TransactWriteItem
            {
                Update = new Update
                {
                    TableName = table,
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
    /// <summary>POST /clients/{clientId}/orders/{orderId}/pay|ship|cancel: the state change under the order it changes.</summary>
    public static void MapChangeOrderStatus(this RouteGroupBuilder orders)
    {
        Map(orders, "pay", OrderAction.Pay, "PayOrder");
        Map(orders, "ship", OrderAction.Ship, "ShipOrder").RequireStaff();
        Map(orders, "cancel", OrderAction.Cancel, "CancelOrder");
    }

    private static RouteHandlerBuilder Map(RouteGroupBuilder orders, string verb, OrderAction action, string name) =>
        orders.MapPost($"/{{orderId}}/{verb}", async (string clientId, string orderId, ChangeOrderStatusBody body, Caller caller, IMediator mediator, CancellationToken cancellationToken) =>
                TypedResults.Ok(await mediator.Send(
                    new ChangeOrderStatus(Ids.Require(clientId, "Client"), Ids.Require(orderId, "Order"), action, body.ExpectedVersion!.Value, caller), cancellationToken)))
            .WithName(name)
            .ProducesCommandProblems();
}
