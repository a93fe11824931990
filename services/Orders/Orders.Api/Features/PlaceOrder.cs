using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Mediator;
using Microservices.EventSourcing;
using Microservices.Schema;
using Microservices.ServiceDefaults;
using Microservices.SingleTable;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Orders.Domain;

namespace Orders.Api.Features;

public sealed record OrderLineBody(string? AuthorId, string? BookId, string? Title, int? Quantity);

public sealed record PlaceOrderBody(IReadOnlyList<OrderLineBody?>? Lines);

public sealed record OrderPlacedResponse(string OrderId, long Version, decimal Total);

/// <summary>A line as asked for: the book named by its id, or by its title (its key in the author's collection).</summary>
public sealed record RequestedLine(string AuthorId, string? BookId, string? Title, int Quantity);

public sealed record PlaceOrder(string ClientId, IReadOnlyList<RequestedLine> Lines, string? IdempotencyKey)
    : ICommand<(OrderPlacedResponse Placed, bool Replayed)>;

/// <summary>
/// Reads the client and the books with strong consistency in as few requests as DynamoDB allows: one BatchGetItem
/// for the client and every book named by title (their keys are known), plus one Query per author for books named
/// by id (a book's id is not in its key). Then one transaction: the order's event, the order item with the client's
/// name and email copied (and the client version they came from), one item per line with the book's title and price
/// as they are now, one sale item per book, the idempotency item, and a check that the client still exists.
/// </summary>
public sealed class PlaceOrderHandler(IAmazonDynamoDB dynamo, EventStore store, IOptions<DynamoDbOptions> options)
    : ICommandHandler<PlaceOrder, (OrderPlacedResponse Placed, bool Replayed)>
{
    private readonly string _table = options.Value.TableName;

    public async ValueTask<(OrderPlacedResponse Placed, bool Replayed)> Handle(PlaceOrder command, CancellationToken cancellationToken)
    {
        var hash = RequestHash(command);
        if (command.IdempotencyKey is { } key && await ReplayAsync(key, hash, cancellationToken) is { } earlier)
        {
            return (earlier, true);
        }

        var (client, books) = await ReadSourcesAsync(command, cancellationToken);
        var lines = command.Lines.Select((line, i) =>
        {
            var book = FindBook(books, line) ?? throw new NotFoundException("Book", line.BookId ?? line.Title!);
            return new OrderLine(i + 1, book.BookId, line.AuthorId, book.Title, book.Price, line.Quantity);
        }).ToList();

        var state = Order.None(Ids.New());
        var events = Order.Place(state, command.ClientId, lines, DateTimeOffset.UtcNow);
        var placed = events.Aggregate(state, Order.Apply);
        var writes = new List<GuardedWrite>
        {
            Put(OrderItems.Order(placed, client), () => new ConflictException($"Order '{placed.OrderId}' already exists.")),
            ClientExists(command.ClientId),
        };
        writes.AddRange(placed.Lines.Select(l => Put(OrderItems.Line(placed, l), () => new ConflictException("Order line exists."))));
        writes.AddRange(OrderItems.BookSales(placed).Select(s => Put(s, () => new ConflictException("Book sale exists."))));
        var keyTaken = false;
        if (command.IdempotencyKey is { } idempotencyKey)
        {
            writes.Add(Put(IdempotencyItem(idempotencyKey, hash, placed), () =>
            {
                keyTaken = true;
                return new ConflictException("The Idempotency-Key was taken meanwhile.");
            }));
        }

        var response = new OrderPlacedResponse(placed.OrderId, placed.Version, placed.Total);
        try
        {
            await store.AppendAsync(OrderEvents.Order(placed.OrderId), 0, events, writes, cancellationToken);
        }
        catch (ConflictException) when (keyTaken)
        {
            // The same key raced us to the table: answer as its first request was answered.
            return (await ReplayAsync(command.IdempotencyKey!, hash, cancellationToken)
                ?? throw new ConflictException("The Idempotency-Key was taken by a request that is gone."), true);
        }

        return (response, false);
    }

    private async Task<OrderPlacedResponse?> ReplayAsync(string key, string hash, CancellationToken cancellationToken)
    {
        var itemKey = Keys.Idempotency(OrderItems.Service, key);
        var found = await dynamo.GetItemAsync(new GetItemRequest
        {
            TableName = _table,
            Key = KeyOf(itemKey),
            ConsistentRead = true,
        }, cancellationToken);
        if (found.Item is not { Count: > 0 } item)
        {
            return null;
        }

        if (item[Attributes.RequestHash].S != hash)
        {
            throw new ConflictException("This Idempotency-Key was used with a different request; use a new key for a new order.");
        }

        var order = await dynamo.GetItemAsync(new GetItemRequest
        {
            TableName = _table,
            Key = KeyOf(Keys.Order(item[Attributes.ClientId].S, item[Attributes.OrderId].S)),
            ConsistentRead = true,
        }, cancellationToken);
        var summary = OrderItems.ReadOrder(order.Item);
        return new OrderPlacedResponse(summary.OrderId, 1, summary.Total);
    }

    private async Task<(ClientCopy Client, List<BookRead> Books)> ReadSourcesAsync(PlaceOrder command, CancellationToken cancellationToken)
    {
        var keys = new List<ItemKey> { Keys.Client(command.ClientId) };
        keys.AddRange(command.Lines.Where(l => l.BookId is null).Select(l => Keys.Book(l.AuthorId, l.Title!)).Distinct());
        var items = await BatchGetAsync(keys, cancellationToken);
        var clientItem = items.FirstOrDefault(i => i[Attributes.ItemType].S == ItemTypes.Client)
            ?? throw new NotFoundException("Client", command.ClientId);
        var books = items.Where(i => i[Attributes.ItemType].S == ItemTypes.Book).Select(BookRead.From).ToList();

        foreach (var authorId in command.Lines.Where(l => l.BookId is not null).Select(l => l.AuthorId).Distinct(StringComparer.Ordinal))
        {
            var authorBooks = dynamo.QueryAllAsync(new QueryRequest
            {
                TableName = _table,
                KeyConditionExpression = "PK = :pk AND begins_with(SK, :books)",
                ExpressionAttributeValues = new()
                {
                    [":pk"] = new(Keys.AuthorPartition(authorId)),
                    [":books"] = new(Keys.BooksStartingWith("")),
                },
                ConsistentRead = true,
            }, cancellationToken);
            await foreach (var item in authorBooks)
            {
                books.Add(BookRead.From(item));
            }
        }

        return (OrderItems.ReadClient(clientItem), books);
    }

    /// <summary>One BatchGetItem (at most 100 keys: an order has at most 40 lines), repeated only for unprocessed keys.</summary>
    private async Task<List<Dictionary<string, AttributeValue>>> BatchGetAsync(List<ItemKey> keys, CancellationToken cancellationToken)
    {
        var found = new List<Dictionary<string, AttributeValue>>();
        var request = new Dictionary<string, KeysAndAttributes>
        {
            [_table] = new() { Keys = [.. keys.Select(KeyOf)], ConsistentRead = true },
        };
        while (request.Count > 0)
        {
            var response = await dynamo.BatchGetItemAsync(new BatchGetItemRequest { RequestItems = request }, cancellationToken);
            found.AddRange(response.Responses.GetValueOrDefault(_table) ?? []);
            request = response.UnprocessedKeys is { Count: > 0 } unprocessed ? unprocessed : [];
        }

        return found;
    }

    private static BookRead? FindBook(List<BookRead> books, RequestedLine line) =>
        books.FirstOrDefault(b => b.AuthorId == line.AuthorId && (line.BookId is null ? b.Title == line.Title : b.BookId == line.BookId));

    private GuardedWrite Put(Dictionary<string, AttributeValue> item, Func<Exception> whenTaken) => new(
        new TransactWriteItem { Put = new Put { TableName = _table, Item = item, ConditionExpression = "attribute_not_exists(PK)" } },
        whenTaken);

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

    private static Dictionary<string, AttributeValue> IdempotencyItem(string key, string hash, Order placed)
    {
        var itemKey = Keys.Idempotency(OrderItems.Service, key);
        return new()
        {
            [Attributes.PK] = new(itemKey.PK),
            [Attributes.SK] = new(itemKey.SK),
            [Attributes.ItemType] = new(ItemTypes.Idempotency),
            [Attributes.Service] = new(OrderItems.Service),
            [Attributes.RequestHash] = new(hash),
            [Attributes.OrderId] = new(placed.OrderId),
            [Attributes.ClientId] = new(placed.ClientId),
        };
    }

    /// <summary>What makes two requests the same: the client and the lines, in order.</summary>
    private static string RequestHash(PlaceOrder command) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { command.ClientId, command.Lines }))));

    private static Dictionary<string, AttributeValue> KeyOf(ItemKey key) =>
        new() { [Attributes.PK] = new(key.PK), [Attributes.SK] = new(key.SK) };

    private sealed record BookRead(string BookId, string AuthorId, string Title, decimal Price)
    {
        public static BookRead From(Dictionary<string, AttributeValue> item) => new(
            item[Attributes.BookId].S, item[Attributes.AuthorId].S, item[Attributes.Title].S, OrderItems.Money(item[Attributes.Price]));
    }
}

public static class PlaceOrderEndpoint
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    public const int MaxQuantity = 1000;
    public const int MaxIdempotencyKeyLength = 200;

    public static void MapPlaceOrder(this IEndpointRouteBuilder app) =>
        app.MapPost("/clients/{clientId}/orders", async Task<Results<Created<OrderPlacedResponse>, Ok<OrderPlacedResponse>, ValidationProblem>> (
                string clientId,
                PlaceOrderBody body,
                [FromHeader(Name = IdempotencyKeyHeader)] string? idempotencyKey,
                IMediator mediator,
                CancellationToken cancellationToken) =>
            {
                OrdersRoutes.RequireId(clientId, "Client");
                var validation = Validate(body, idempotencyKey);
                if (!validation.IsValid)
                {
                    return TypedResults.ValidationProblem(validation.Errors);
                }

                var lines = body.Lines!.Select(l => new RequestedLine(l!.AuthorId!, l.BookId, l.BookId is null ? l.Title : null, l.Quantity!.Value)).ToList();
                var (placed, replayed) = await mediator.Send(new PlaceOrder(clientId, lines, idempotencyKey), cancellationToken);
                return replayed
                    ? TypedResults.Ok(placed)
                    : TypedResults.Created($"/clients/{clientId}/orders/{placed.OrderId}", placed);
            })
            .WithName("PlaceOrder")
            .WithTags("Orders")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

    private static Validation Validate(PlaceOrderBody body, string? idempotencyKey)
    {
        var validation = new Validation()
            .Require(body.Lines is { Count: > 0 }, "lines", "lines must hold at least one line.")
            .Require(body.Lines is null || body.Lines.Count <= Order.MaxLines, "lines", $"an order has at most {Order.MaxLines} lines.");
        if (idempotencyKey is not null)
        {
            validation.Text(idempotencyKey, IdempotencyKeyHeader, MaxIdempotencyKeyLength);
        }

        for (var i = 0; i < (body.Lines?.Count ?? 0) && i < Order.MaxLines; i++)
        {
            var line = body.Lines![i];
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

        return validation;
    }
}
