using System.Collections.Immutable;
using Microservices.EventSourcing;
using Microservices.SingleTable;

namespace Clients.Domain;

public sealed record Address(string AddressId, string Street, string City, string PostalCode, string Country);

/// <summary>
/// A client's state: the fold of the client's events. Version 0 means the client does not exist. Phones are a small
/// bounded map (the article's "complex attribute on the parent"); addresses are items of their own in the client's
/// collection, bounded too so that one Query always returns them all.
/// </summary>
public sealed record Client(
    string ClientId,
    string Name,
    string Email,
    ImmutableSortedDictionary<string, string> Phones,
    ImmutableList<Address> Addresses,
    long Version) : IAggregateState
{
    public const int MaxPhones = 10;
    public const int MaxAddresses = 20;

    /// <summary>Always in the ordinal order of their types (the order PhoneNumbers joins them in), however the map was built or read.</summary>
    public ImmutableSortedDictionary<string, string> Phones { get; init; } = Phones.WithComparers(StringComparer.Ordinal);

    public static Client None(string clientId) =>
        new(clientId, "", "", ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal), [], 0);

    public bool Exists => Version > 0;

    public static Client Fold(string clientId, IEnumerable<object> events) =>
        events.Aggregate(None(clientId), Apply);

    public static Client Apply(Client state, object @event)
    {
        ArgumentNullException.ThrowIfNull(state);
        return @event switch
        {
            ClientRegistered e => state with
            {
                Name = e.Name,
                Email = e.Email,
                Phones = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, e.Phones),
                Version = state.Version + 1,
            },
            ClientDetailsChanged e => state with { Name = e.Name, Email = e.Email, Version = state.Version + 1 },
            ClientPhoneSet e => state with { Phones = state.Phones.SetItem(e.Type, e.Number), Version = state.Version + 1 },
            ClientPhoneRemoved e => state with { Phones = state.Phones.Remove(e.Type), Version = state.Version + 1 },
            ClientAddressAdded e => state with
            {
                Addresses = state.Addresses.Add(new Address(e.AddressId, e.Street, e.City, e.PostalCode, e.Country)),
                Version = state.Version + 1,
            },
            ClientAddressRemoved e => state with
            {
                Addresses = state.Addresses.RemoveAll(a => a.AddressId == e.AddressId),
                Version = state.Version + 1,
            },
            _ => state with { Version = state.Version + 1 },
        };
    }

    public static IReadOnlyList<object> Register(Client state, string name, string email, IReadOnlyDictionary<string, string> phones)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(phones);
        if (state.Exists)
        {
            throw new ConflictException($"Client '{state.ClientId}' already exists.");
        }

        if (phones.Count > MaxPhones)
        {
            throw new ConflictException($"A client has at most {MaxPhones} phone numbers.");
        }

        return [new ClientRegistered(state.ClientId, name, email, new SortedDictionary<string, string>(phones.ToDictionary(), StringComparer.Ordinal))];
    }

    /// <summary>
    /// Name and/or email: what is not given stays. The event carries both as they are after the change, so its readers
    /// never need the client's history. Changing nothing decides nothing, so a retried request adds no second event.
    /// </summary>
    public static IReadOnlyList<object> ChangeDetails(Client state, string? name, string? email, long expectedVersion)
    {
        Existing(state, expectedVersion);
        var newName = name ?? state.Name;
        var newEmail = email ?? state.Email;
        return newName == state.Name && newEmail == state.Email
            ? []
            : [new ClientDetailsChanged(state.ClientId, newName, newEmail)];
    }

    public static IReadOnlyList<object> SetPhone(Client state, string type, string number, long expectedVersion)
    {
        Existing(state, expectedVersion);
        if (state.Phones.TryGetValue(type, out var current))
        {
            return current == number ? [] : [new ClientPhoneSet(state.ClientId, type, number)];
        }

        return state.Phones.Count >= MaxPhones
            ? throw new ConflictException($"Client '{state.ClientId}' already has {MaxPhones} phone numbers, the most a client can have.")
            : [new ClientPhoneSet(state.ClientId, type, number)];
    }

    public static IReadOnlyList<object> RemovePhone(Client state, string type, long expectedVersion)
    {
        Existing(state, expectedVersion);
        return state.Phones.ContainsKey(type)
            ? [new ClientPhoneRemoved(state.ClientId, type)]
            : throw new NotFoundException("Phone", type);
    }

    public static IReadOnlyList<object> AddAddress(
        Client state, string addressId, string street, string city, string postalCode, string country, long expectedVersion)
    {
        Existing(state, expectedVersion);
        return state.Addresses.Count >= MaxAddresses
            ? throw new ConflictException($"Client '{state.ClientId}' already has {MaxAddresses} addresses, the most a client can have.")
            : [new ClientAddressAdded(state.ClientId, addressId, street, city, postalCode, country)];
    }

    public static IReadOnlyList<object> RemoveAddress(Client state, string addressId, long expectedVersion)
    {
        Existing(state, expectedVersion);
        return state.Addresses.Exists(a => a.AddressId == addressId)
            ? [new ClientAddressRemoved(state.ClientId, addressId)]
            : throw new NotFoundException("Address", addressId);
    }

    private static void Existing(Client state, long expectedVersion)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!state.Exists)
        {
            throw new NotFoundException("Client", state.ClientId);
        }

        if (state.Version != expectedVersion)
        {
            throw new VersionConflictException(ClientsEvents.Client(state.ClientId).ToString(), state.Version);
        }
    }
}
