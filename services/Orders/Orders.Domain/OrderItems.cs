using System.Globalization;
using Amazon.DynamoDBv2.Model;
using Microservices.Schema;
using Microservices.SingleTable;

namespace Orders.Domain;

/// <summary>The client details an order copies, and the client version they were read at.</summary>
public sealed record ClientCopy(string Name, string Email, long Version);

/// <summary>An order as the order item stores it (its lines are separate items).</summary>
public sealed record OrderSummary(
    string OrderId, string ClientId, string Status, string PlacedAt, decimal Total, int LineCount, ClientCopy Client, long Version);

/// <summary>
/// Orders' items: the order (with its client copies and its status index keys), its line snapshots, the per-book
/// sale items, written in the events' transaction, the head and lines in either shape of migration 3
/// (<see cref="OrderShape"/>); and the readers for them and for the client item it copies from.
/// </summary>
public static class OrderItems
{
    public const string Service = "orders";

    /// <summary>Fixed width, UTC: sorts as text in time order in the status index.</summary>
    public static string Timestamp(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Where an order's head is kept in <paramref name="shape"/>.</summary>
    public static ItemKey HeadKey(string clientId, string orderId, OrderShape shape) =>
        shape == OrderShape.OrderPartition ? Keys.OrderV3(orderId) : Keys.Order(clientId, orderId);

    /// <summary>The order's head as <paramref name="shape"/> keeps it: in its own partition it also carries its client's GSI2 keys.</summary>
    public static Dictionary<string, AttributeValue> Order(Order order, ClientCopy client, OrderShape shape)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(client);
        var key = HeadKey(order.ClientId, order.OrderId, shape);
        var status = OrderStatuses.Name(order.Status);
        var placedAt = Timestamp(order.PlacedAt);
        var item = new Dictionary<string, AttributeValue>
        {
            [Attributes.PK] = new(key.PK),
            [Attributes.SK] = new(key.SK),
            [Attributes.GSI1PK] = new(Keys.OrderStatusIndexKey(status)),
            [Attributes.GSI1SK] = new(Keys.OrderStatusSortKey(placedAt, order.OrderId)),
            [Attributes.ItemType] = new(ItemTypes.Order),
            [Attributes.OrderId] = new(order.OrderId),
            [Attributes.ClientId] = new(order.ClientId),
            [Attributes.Status] = new(status),
            [Attributes.PlacedAt] = new(placedAt),
            [Attributes.Total] = Number(order.Total),
            [Attributes.LineCount] = Number(order.Lines.Count),
            [Attributes.ClientName] = new(client.Name),
            [Attributes.ClientEmail] = new(client.Email),
            [Attributes.ClientVersion] = Number(client.Version),
            [Attributes.Version] = Number(order.Version),
        };
        if (shape == OrderShape.OrderPartition)
        {
            item[Attributes.GSI2PK] = new(Keys.ClientOrdersIndexKey(order.ClientId));
            item[Attributes.GSI2SK] = new(Keys.ClientOrdersIndexSortKey(order.OrderId));
        }

        return item;
    }

    public static Dictionary<string, AttributeValue> Line(Order order, OrderLine line, OrderShape shape)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(line);
        var key = shape == OrderShape.OrderPartition
            ? Keys.OrderLineV3(order.OrderId, line.LineNo)
            : Keys.OrderLine(order.ClientId, order.OrderId, line.LineNo);
        return new()
        {
            [Attributes.PK] = new(key.PK),
            [Attributes.SK] = new(key.SK),
            [Attributes.ItemType] = new(ItemTypes.OrderLine),
            [Attributes.OrderId] = new(order.OrderId),
            [Attributes.LineNo] = Number(line.LineNo),
            [Attributes.BookId] = new(line.BookId),
            [Attributes.AuthorId] = new(line.AuthorId),
            [Attributes.Title] = new(line.Title),
            [Attributes.Price] = Number(line.Price),
            [Attributes.Quantity] = Number(line.Quantity),
        };
    }

    /// <summary>One item per distinct book of the order, with the order's units of it.</summary>
    public static IEnumerable<Dictionary<string, AttributeValue>> BookSales(Order order)
    {
        ArgumentNullException.ThrowIfNull(order);
        return order.Lines.GroupBy(l => l.BookId, StringComparer.Ordinal).Select(book =>
        {
            var key = Keys.BookSale(book.Key, order.OrderId);
            return new Dictionary<string, AttributeValue>
            {
                [Attributes.PK] = new(key.PK),
                [Attributes.SK] = new(key.SK),
                [Attributes.ItemType] = new(ItemTypes.BookSale),
                [Attributes.BookId] = new(book.Key),
                [Attributes.OrderId] = new(order.OrderId),
                [Attributes.ClientId] = new(order.ClientId),
                [Attributes.Quantity] = Number(book.Sum(l => l.Quantity)),
            };
        });
    }

    public static OrderSummary ReadOrder(IReadOnlyDictionary<string, AttributeValue> item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return new(
            item[Attributes.OrderId].S,
            item[Attributes.ClientId].S,
            item[Attributes.Status].S,
            item[Attributes.PlacedAt].S,
            Money(item[Attributes.Total]),
            (int)Count(item[Attributes.LineCount]),
            new ClientCopy(item[Attributes.ClientName].S, item[Attributes.ClientEmail].S, Count(item[Attributes.ClientVersion])),
            Count(item[Attributes.Version]));
    }

    public static OrderLine ReadLine(IReadOnlyDictionary<string, AttributeValue> item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return new(
            (int)Count(item[Attributes.LineNo]),
            item[Attributes.BookId].S,
            item[Attributes.AuthorId].S,
            item[Attributes.Title].S,
            Money(item[Attributes.Price]),
            (int)Count(item[Attributes.Quantity]));
    }

    /// <summary>The Clients service's item, read for the details an order copies.</summary>
    public static ClientCopy ReadClient(IReadOnlyDictionary<string, AttributeValue> item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return new(item[Attributes.Name].S, item[Attributes.Email].S, Count(item[Attributes.Version]));
    }

    public static AttributeValue Number(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    public static AttributeValue Number(decimal value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    public static long Count(AttributeValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return long.Parse(value.N, CultureInfo.InvariantCulture);
    }

    public static decimal Money(AttributeValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return decimal.Parse(value.N, CultureInfo.InvariantCulture);
    }
}
