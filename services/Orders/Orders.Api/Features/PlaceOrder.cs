using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.AspNetCore.Mvc;
using Microservices.Schema.Migrations;

namespace Orders.Api.Features;

public sealed record OrderLineBody(string? AuthorId, string? BookId, string? Title, int? Quantity);

public sealed record PlaceOrderBody(IReadOnlyList<OrderLineBody?>? Lines) : IValidatable
{
    public const int MaxQuantity = 1000;

    public void Validate(Validation validation)
    {
        ArgumentNullException.ThrowIfNull(validation);
        validation
            .Require(Lines is { Count: > 0 }, "lines", "lines must hold at least one line.")
            .Require(Lines is null || Lines.Count <= Order.MaxLines, "lines", $"an order has at most {Order.MaxLines} lines.");
        for (var i = 0; i < (Lines?.Count ?? 0) && i < Order.MaxLines; i++)
        {
            var line = Lines![i];
            var field = $"lines[{i}]";
            validation.Require(line is not null, field, $"{field} is required.");
            if (line is null)
            {
                continue;
            }

            validation
                .Require(Ids.IsValid(line.AuthorId), $"{field}.authorId", $"{field}.authorId must be an author id.")
                .Require(line.BookId is not null || line.Title is not null, $"{field}.bookId", $"{field} needs a bookId or a title.")
                .Require(line.BookId is null || Ids.IsValid(line.BookId), $"{field}.bookId", $"{field}.bookId must be a book id.")
                .Require(line.Quantity is not null, $"{field}.quantity", $"{field}.quantity is required.")
                .Require(line.Quantity is null or (>= 1 and <= MaxQuantity), $"{field}.quantity", $"{field}.quantity must be between 1 and {MaxQuantity}.");
            if (line.BookId is null && line.Title is not null)
            {
                validation.Text(line.Title, $"{field}.title", 300);
            }
        }
    }
}

public sealed record OrderPlacedResponse(string OrderId, long Version, decimal Total);

/// <summary>A line as asked for: the book named by its id, or by its title (its key in the author's collection).</summary>
public sealed record RequestedLine(string AuthorId, string? BookId, string? Title, int Quantity);

public sealed record PlaceOrder(string ClientId, IReadOnlyList<RequestedLine> Lines, Caller Caller, IdempotencyKey? Idempotency = null)
    : ICommand<OrderPlacedResponse>, IIdempotentCreate;

/// <summary>
/// Reads the client and the books with strong consistency in as few requests as DynamoDB allows: one BatchGetItem
/// for the client and every book named by title (their keys are known), plus one Query per author for books named
/// by id (a book's id is not in its key). Then one transaction: the order's event, the order item (where migration 3 says new orders go) with the client's
/// name and email copied (and the client version they came from), one item per line with the book's title and price
/// as they are now (all in one currency, or 409), one sale item per book, a check that the client still exists and, given an Idempotency-Key, the key's completion.
/// </summary>
public sealed class PlaceOrderHandler(IAmazonDynamoDB dynamo, CommandRunner<Order> orders, OrderLayout layout)
    : ICommandHandler<PlaceOrder, OrderPlacedResponse>
{
    private readonly string _table = orders.Table;

    public async ValueTask<OrderPlacedResponse> Handle(PlaceOrder command, CancellationToken cancellationToken)
    {
        // A client places orders only for themselves: the order's owner is the client of the route.
        command.Caller.RequireOwner(command.ClientId, "Client", command.ClientId);
        var (client, books) = await ReadSourcesAsync(command, cancellationToken);
        var ordered = command.Lines.Select(line => FindBook(books, line) ?? throw new NotFoundException("Book", line.BookId ?? line.Title!)).ToList();
        if (ordered.Select(b => b.Currency).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList() is { Count: > 1 } currencies)
        {
            throw new ConflictException($"The books are priced in {string.Join(" and ", currencies)}; an order's lines are all in one currency.");
        }

        var lines = command.Lines.Select((line, i) => new OrderLine(i + 1, ordered[i].BookId, line.AuthorId, ordered[i].Title, ordered[i].Price, line.Quantity)).ToList();
        var shape = (await layout.CurrentAsync(cancellationToken)).Write;

        return await orders.Create(
            state => Order.Place(state, command.ClientId, lines, DateTimeOffset.UtcNow),
            change =>
            [
                ClientExists(command.ClientId),
                .. change.After.Lines.Select(l => GuardedWrite.PutNew(_table, OrderItems.Line(change.After, l, shape), () => new ConflictException("Order line exists."))),
                .. OrderItems.BookSales(change.After).Select(s => GuardedWrite.PutNew(_table, s, () => new ConflictException("Book sale exists."))),
            ],
            done => new OrderPlacedResponse(done.State.OrderId, done.Version, done.State.Total),
            cancellationToken,
            canonical: change =>
            [
                GuardedWrite.PutNew(_table, OrderItems.Order(change.After, client, shape), () => new ConflictException($"Order '{change.After.OrderId}' already exists.")),
            ]);
    }

    private async Task<(ClientCopy Client, List<BookRead> Books)> ReadSourcesAsync(PlaceOrder command, CancellationToken cancellationToken)
    {
        var keys = new List<ItemKey> { Keys.Client(command.ClientId) };
        keys.AddRange(command.Lines.Where(l => l.BookId is null).Select(l => Keys.Book(l.AuthorId, l.Title!)).Distinct());
        var items = await dynamo.BatchGetAllAsync(_table, keys, cancellationToken); // one request: an order has at most 40 lines
        var clientItem = items.FirstOrDefault(i => i[Attributes.ItemType].S == ItemTypes.Client)
            ?? throw new NotFoundException("Client", command.ClientId);
        var books = items.Where(i => i[Attributes.ItemType].S == ItemTypes.Book).Select(BookRead.From).ToList();

        foreach (var authorId in command.Lines.Where(l => l.BookId is not null).Select(l => l.AuthorId).Distinct(StringComparer.Ordinal))
        {
            await foreach (var item in dynamo.QueryAllAsync(Queries.AuthorBooks(_table, authorId), cancellationToken))
            {
                books.Add(BookRead.From(item));
            }
        }

        return (OrderItems.ReadClient(clientItem), books);
    }

    private static BookRead? FindBook(List<BookRead> books, RequestedLine line) =>
        books.FirstOrDefault(b => b.AuthorId == line.AuthorId && (line.BookId is null ? b.Title == line.Title : b.BookId == line.BookId));

    private GuardedWrite ClientExists(string clientId) => new(
        new TransactWriteItem
        {
            ConditionCheck = new ConditionCheck
            {
                TableName = _table,
                Key = KeyOf(Keys.Client(clientId)),
                ConditionExpression = "attribute_exists(PK)",
            },
        },
        () => new NotFoundException("Client", clientId));

    private static Dictionary<string, AttributeValue> KeyOf(ItemKey key) =>
        new() { [Attributes.PK] = new(key.PK), [Attributes.SK] = new(key.SK) };

    private sealed record BookRead(string BookId, string AuthorId, string Title, decimal Price, string Currency)
    {
        public static BookRead From(Dictionary<string, AttributeValue> item) => new(
            item[Attributes.BookId].S, item[Attributes.AuthorId].S, item[Attributes.Title].S, OrderItems.Money(item[Attributes.Price]), BookCurrency.Of(item));
    }
}

public static class PlaceOrderEndpoint
{
    public static void MapPlaceOrder(this RouteGroupBuilder orders) =>
        orders.MapPost("", async (string clientId, PlaceOrderBody body, IdempotencyKey? idempotency, Caller caller, IMediator mediator, CancellationToken cancellationToken) =>
            {
                var lines = body.Lines!.Select(l => new RequestedLine(l!.AuthorId!, l.BookId, l.BookId is null ? l.Title : null, l.Quantity!.Value)).ToList();
                var placed = await mediator.Send(new PlaceOrder(Ids.Require(clientId, "Client"), lines, caller, idempotency), cancellationToken);
                return TypedResults.Created($"/clients/{clientId}/orders/{placed.OrderId}", placed);
            })
            .WithName("PlaceOrder")
            .ProducesCommandProblems()
            .ProducesIdempotencyProblems();
}
