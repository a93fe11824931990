using Amazon.DynamoDBv2;
using Microservices.SingleTable;
using Microservices.Streams;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microservices.Faults;

public static class FaultsServiceCollectionExtensions
{
    /// <summary>
    /// The faults the "Faults" section of <paramref name="configuration"/> asks for, added to a host that is already
    /// built as in production (after AddDynamoDb, AddMessaging, AddStreamConsumer): DynamoDB faults replace the
    /// DynamoDB client and join the Streams client's HTTP pipeline, delivery faults filter every receive endpoint.
    /// The host says so in one line when it starts, even when the section asks for nothing.
    /// </summary>
    public static IServiceCollection AddFaults(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<FaultInjectionOptions>()
            .BindConfiguration(FaultInjectionOptions.Section)
            .Validate(o => o.DynamoDbRate is >= 0 and <= 1 && o.DuplicateRate is >= 0 and <= 1 && o.DelayRate is >= 0 and <= 1,
                "Faults rates are fractions from 0 to 1.")
            .ValidateOnStart();
        services.TryAddSingleton<ConfiguredFaults>();
        services.AddHostedService<FaultsAnnouncement>();

        // Which registrations change is decided now, as the transport is in AddMessaging.
        var asked = configuration.GetSection(FaultInjectionOptions.Section).Get<FaultInjectionOptions>() ?? new FaultInjectionOptions();
        if (asked.DynamoDbRate > 0)
        {
            services.Replace(ServiceDescriptor.Singleton<IAmazonDynamoDB>(provider =>
                provider.GetRequiredService<ConfiguredFaults>().DynamoDb!.CreateClient(provider.GetRequiredService<IOptions<DynamoDbOptions>>().Value)));
            services.AddHttpClient(StreamConsumerServiceCollectionExtensions.StreamsHttpClient)
                .AddHttpMessageHandler(provider => provider.GetRequiredService<ConfiguredFaults>().DynamoDb!.CreateHandler());
        }

        if (asked.InjectsDelivery)
        {
            services.AddDeliveryFaults(provider => provider.GetRequiredService<ConfiguredFaults>().Delivery!);
        }

        return services;
    }

    /// <summary>The one startup line of a host that takes faults; it also starts the counts file before any request.</summary>
    private sealed class FaultsAnnouncement(ConfiguredFaults faults, ILoggerFactory loggers) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            // A warning, so it shows at the log levels a soak or a deployment runs at.
            loggers.CreateLogger("Microservices.Faults").LogWarning("{Faults}", faults.Description);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
