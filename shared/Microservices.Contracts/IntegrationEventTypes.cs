namespace Microservices.Contracts;

/// <summary>
/// Every integration contract of the system: the records in this assembly that implement <see cref="IIntegrationEvent"/>.
/// The relay resolves the contract type a service recorded on an event item among these, so adding a contract here
/// is all a new event needs (and a relay built with this version of the assembly).
/// </summary>
public static class IntegrationEventTypes
{
    public static IReadOnlyList<Type> All { get; } =
    [
        .. typeof(IIntegrationEvent).Assembly.GetExportedTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IIntegrationEvent).IsAssignableFrom(t))
            .OrderBy(t => t.FullName, StringComparer.Ordinal),
    ];
}
