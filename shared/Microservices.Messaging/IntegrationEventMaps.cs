using Microservices.EventSourcing;
using Microsoft.Extensions.DependencyInjection;

namespace Microservices.Messaging;

/// <summary>
/// Every service's map at once, for the one relay that publishes all services' events. DynamoDB Streams serves at
/// most two readers per shard, so one reader publishes for everyone instead of one per service. Each stored event
/// belongs to one service's map; the first map that knows it gives its contract.
/// </summary>
public sealed class IntegrationEventMaps(IEnumerable<IIntegrationEventMap> maps) : IIntegrationEventMap
{
    private readonly IReadOnlyList<IIntegrationEventMap> _maps = maps.ToList();

    public object? ToContract(StoredEvent stored)
    {
        foreach (var map in _maps)
        {
            if (map.ToContract(stored) is { } contract)
            {
                return contract;
            }
        }

        return null;
    }
}

public static class IntegrationEventRelayServiceCollectionExtensions
{
    /// <summary>Adds a service's map to the relay's; call once per service.</summary>
    public static IServiceCollection AddIntegrationEventMap<TMap>(this IServiceCollection services)
        where TMap : class, IIntegrationEventMap
    {
        services.AddSingleton<IIntegrationEventMap, TMap>();
        return services;
    }
}
