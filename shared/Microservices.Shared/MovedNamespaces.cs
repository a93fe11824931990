// Streams/ and Lambda/ move to Microservices.Streams on their own branch and are left as they were here, so they
// still import the namespaces this split moved (Dynamo -> Microservices.SingleTable, Schema -> Microservices.Schema,
// Telemetry's names -> Microservices.ServiceDefaults; see the global usings in the project file). These empty
// declarations keep those usings valid. Delete this file with the project once Streams has moved.
namespace Microservices.Shared.Dynamo
{
}

namespace Microservices.Shared.Schema
{
}

namespace Microservices.Shared.Faults
{
    using Microsoft.Extensions.DependencyInjection;
    using Microsoft.Extensions.DependencyInjection.Extensions;

    /// <summary>
    /// Inert: AddStreamConsumer still asks for a handler for its HTTP client here (two lines to remove when it moves).
    /// Fault injection lives in Microservices.Faults, which adds its own handler to that client.
    /// </summary>
    internal sealed class ConfiguredFaults
    {
#pragma warning disable CA1822 // Called on the registered instance by the unedited AddStreamConsumer.
        public DelegatingHandler StreamsHandler() => new PassThroughHandler();
#pragma warning restore CA1822

        private sealed class PassThroughHandler : DelegatingHandler;
    }

    internal static class ConfiguredFaultsExtensions
    {
        public static IServiceCollection AddConfiguredFaults(this IServiceCollection services)
        {
            services.TryAddSingleton<ConfiguredFaults>();
            return services;
        }
    }
}
