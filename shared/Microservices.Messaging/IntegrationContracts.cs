using System.Text.Json;
using Microservices.EventSourcing;
using Microservices.SingleTable;

namespace Microservices.Messaging;

/// <summary>
/// The contract types a relay can publish, by the name the owning service recorded on each event item. The relay is
/// given the contracts assembly's types, never a service's code, so a new service or a new event needs no change here.
/// </summary>
public sealed class IntegrationContracts
{
    private readonly Dictionary<string, Type> _types;

    public IntegrationContracts(IEnumerable<Type> types)
    {
        ArgumentNullException.ThrowIfNull(types);
        _types = types.ToDictionary(t => t.FullName ?? throw new ArgumentException($"{t} has no name."), StringComparer.Ordinal);
    }

    /// <summary>
    /// The contract recorded with <paramref name="stored"/>, or null for an event that has none (kept inside its
    /// service, or stored before contracts were recorded). A contract of a type this relay does not know, or whose
    /// JSON does not read as that type, throws: that record is at fault, not the broker.
    /// </summary>
    public object? ContractOf(StoredEvent stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (stored.ContractType is null or EventTypeMap.NoContract)
        {
            return null;
        }

        if (!_types.TryGetValue(stored.ContractType, out var type))
        {
            throw new InvalidOperationException($"{stored.EventType} names the contract {stored.ContractType}, which this relay does not know.");
        }

        if (stored.Contract is null)
        {
            throw new InvalidOperationException($"{stored.EventType} names the contract {stored.ContractType} but carries none.");
        }

        return JsonSerializer.Deserialize(stored.Contract, type, EventTypeMap.Json)
            ?? throw new InvalidOperationException($"The {stored.ContractType} of {stored.EventType} is empty.");
    }
}
