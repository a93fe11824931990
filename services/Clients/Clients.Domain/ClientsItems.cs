using System.Collections.Immutable;
using System.Globalization;
using Amazon.DynamoDBv2.Model;
using Microservices.Schema;

namespace Clients.Domain;

/// <summary>The canonical items of the Clients service, written in the same transaction as the events they summarise.</summary>
public static class ClientsItems
{
    /// <summary>Joins the numbers for the contains() filter; numbers never hold it, so a match cannot span two numbers.</summary>
    public const char NumberSeparator = '|';

    /// <summary>The attributes the client item goes without when the client has no phone: removed by the change that removes the last one.</summary>
    public static IReadOnlyList<string> ClientOptional { get; } = [Attributes.Phones, Attributes.PhoneNumbers];

    /// <summary>
    /// The client item: the phones as a map, and the GSI1 keys of its exact name. A rename sets every attribute of this
    /// item, so the GSI1 key moves in the same transaction as the event.
    /// </summary>
    public static Dictionary<string, AttributeValue> Client(Client client)
    {
        ArgumentNullException.ThrowIfNull(client);
        var key = Keys.Client(client.ClientId);
        var item = new Dictionary<string, AttributeValue>
        {
            [Attributes.PK] = new(key.PK),
            [Attributes.SK] = new(key.SK),
            [Attributes.GSI1PK] = new(Keys.ClientNameIndexKey(client.Name)),
            [Attributes.GSI1SK] = new(Keys.ClientNameIndexSortKey(client.ClientId)),
            [Attributes.ItemType] = new(ItemTypes.Client),
            [Attributes.ClientId] = new(client.ClientId),
            [Attributes.Name] = new(client.Name),
            [Attributes.Email] = new(client.Email),
            [Attributes.Version] = Number(client.Version),
        };
        if (client.Phones.Count > 0)
        {
            item[Attributes.Phones] = new AttributeValue { M = client.Phones.ToDictionary(p => p.Key, p => new AttributeValue(p.Value)) };
            item[Attributes.PhoneNumbers] = new(string.Join(NumberSeparator, client.Phones.Values));
        }

        return item;
    }

    public static Dictionary<string, AttributeValue> Address(string clientId, Address address, long version)
    {
        ArgumentNullException.ThrowIfNull(address);
        var key = Keys.Address(clientId, address.AddressId);
        return new()
        {
            [Attributes.PK] = new(key.PK),
            [Attributes.SK] = new(key.SK),
            [Attributes.ItemType] = new(ItemTypes.Address),
            [Attributes.ClientId] = new(clientId),
            [Attributes.AddressId] = new(address.AddressId),
            [Attributes.Street] = new(address.Street),
            [Attributes.City] = new(address.City),
            [Attributes.PostalCode] = new(address.PostalCode),
            [Attributes.Country] = new(address.Country),
            [Attributes.Version] = Number(version),
        };
    }

    /// <summary>The client item as state; addresses are items of their own and are read by <see cref="ReadAddress"/>.</summary>
    public static Client ReadClient(IReadOnlyDictionary<string, AttributeValue> item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return Domain.Client.None(item[Attributes.ClientId].S) with
        {
            Name = item[Attributes.Name].S,
            Email = item[Attributes.Email].S,
            Phones = ReadPhones(item),
            Version = long.Parse(item[Attributes.Version].N, CultureInfo.InvariantCulture),
        };
    }

    public static ImmutableSortedDictionary<string, string> ReadPhones(IReadOnlyDictionary<string, AttributeValue> item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var phones = item.TryGetValue(Attributes.Phones, out var map) && map.M is { } entries
            ? entries.Select(e => KeyValuePair.Create(e.Key, e.Value.S))
            : [];
        return ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, phones);
    }

    public static Address ReadAddress(IReadOnlyDictionary<string, AttributeValue> item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return new(
            item[Attributes.AddressId].S,
            item[Attributes.Street].S,
            item[Attributes.City].S,
            item[Attributes.PostalCode].S,
            item[Attributes.Country].S);
    }

    public static AttributeValue Number(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };
}
