namespace Microservices.EventSourcing;

/// <summary>
/// A service's map from its stored events to its integration contracts. Events of other services share the table
/// and its stream, and events a service keeps to itself have no contract: both map to null and are not published.
/// </summary>
public interface IIntegrationEventMap
{
    object? ToContract(StoredEvent stored);
}
