using MassTransit;
using Microservices.Contracts;
using Microservices.EventSourcing;
using Microservices.SingleTable;
using Microservices.Streams;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microservices.Messaging;

public static class MessagingServiceCollectionExtensions
{
    /// <summary>
    /// The bus every worker and the one-command run use: the transport named in the "Messaging" section, message
    /// retry on every consumer, and the consumers that <paramref name="consumers"/> registers. The bus is started and
    /// its queues declared before any hosted service registered after this call starts, so a publisher in the same
    /// process never publishes to an exchange that has no queue bound yet. An endpoint with <see cref="MessageKey"/>s
    /// handles messages in order per key and different keys concurrently. Every <see cref="ReceiveEndpointConfiguration"/>
    /// in the container is applied to every receive endpoint.
    /// </summary>
    public static IServiceCollection AddMessaging(
        this IServiceCollection services, IConfiguration configuration, Action<IBusRegistrationConfigurator>? consumers = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<MessagingOptions>()
            .BindConfiguration(MessagingOptions.Section)
            .Validate(o => o.Transport == MessageTransport.InMemory || !string.IsNullOrWhiteSpace(o.Host), "Messaging:Host is required for RabbitMQ.")
            .Validate(o => o.Port is > 0 and <= ushort.MaxValue, "Messaging:Port must be a TCP port.")
            .Validate(o => o.Transport == MessageTransport.InMemory || (!string.IsNullOrEmpty(o.Username) && !string.IsNullOrEmpty(o.Password)),
                "Messaging:Username and Messaging:Password are required for RabbitMQ: a broker user of this deployment's own (rabbitmqctl add_user).")
            .Validate(o => o.Transport == MessageTransport.InMemory || !string.Equals(o.Username, "guest", StringComparison.OrdinalIgnoreCase),
                "Messaging:Username must not be guest, RabbitMQ's default user whose password everyone knows: create a user of this deployment's own.")
            .Validate(o => o.PublishTimeout > TimeSpan.Zero, "Messaging:PublishTimeout must be positive.")
            .Validate(o => o.ConsumerConcurrency > 0, "Messaging:ConsumerConcurrency must be at least 1.")
            .Validate(o => o.PrefetchCount >= o.ConsumerConcurrency, "Messaging:PrefetchCount must be at least Messaging:ConsumerConcurrency.")
            .ValidateOnStart();

        // The transport decides which registrations exist, so it is read now rather than from the options later.
        var transport = configuration.GetSection(MessagingOptions.Section)
            .GetValue(nameof(MessagingOptions.Transport), MessageTransport.RabbitMq);
        services.AddMassTransit(bus =>
        {
            // No report to MassTransit's servers: a service should not call out to a third party, and offline it waits.
            bus.DisableUsageTelemetry();
            consumers?.Invoke(bus);
            bus.AddConfigureEndpointsCallback((context, name, endpoint) =>
            {
                MessageKey.Configure(context, name, endpoint);
                foreach (var configuration in context.GetServices<ReceiveEndpointConfiguration>())
                {
                    configuration.Configure(context, name, endpoint);
                }
            });

            if (transport == MessageTransport.InMemory)
            {
                bus.UsingInMemory((context, cfg) => ConfigureBus(context, cfg));
            }
            else
            {
                bus.UsingRabbitMq((context, cfg) =>
                {
                    ConfigureHost(cfg, context.GetRequiredService<IOptions<MessagingOptions>>().Value);
                    ConfigureBus(context, cfg);
                });
            }
        });
        services.AddOptions<MassTransitHostOptions>().Configure(host =>
        {
            host.WaitUntilStarted = true;
            host.StartTimeout = TimeSpan.FromSeconds(60);
            host.StopTimeout = TimeSpan.FromSeconds(30);
        });
        return services;
    }

    /// <summary>
    /// Reads the table's stream as <paramref name="consumerName"/> and publishes each event item as the contract its
    /// service recorded with it, resolved among <paramref name="contracts"/>. Before the stream is read, every queue
    /// of <paramref name="subscriptions"/> is declared with its bindings (<see cref="BrokerTopology"/>), so no event
    /// is published before the queues that take it exist, whichever process starts first. Needs
    /// <see cref="AddMessaging"/> before it.
    /// </summary>
    public static IServiceCollection AddIntegrationEventPublisher(
        this IServiceCollection services,
        string consumerName,
        IEnumerable<Type> contracts,
        IReadOnlyDictionary<string, IReadOnlyList<Type>> subscriptions,
        Action<StreamConsumerOptions>? configure = null)
    {
        services.AddSingleton(new IntegrationContracts(contracts));
        services.AddSingleton<IntegrationEventPublisher>();
        // Hosted services start one after another in the order they were added: the topology before the stream.
        services.AddHostedService(provider => ActivatorUtilities.CreateInstance<BrokerTopology>(provider, subscriptions));
        return services.AddTableStreamConsumer<IntegrationEventPublisher>(consumerName, options =>
        {
            // Canonical items and copies come back on the stream too; only event items are published.
            options.Filter = RecordFilter.StringAttribute(TableLayout.ItemType, EventItem.ItemType);
            // Every event item has a sort key of its own: ordered by partition key, one stream's events stay in order
            // even with several batches of a shard in flight (ParallelizationFactor).
            options.OrderingKey = StoredEventRecords.PartitionKey;
            configure?.Invoke(options);
        });
    }

    /// <summary>The broker connection every bus of ours uses, including the one that only declares the topology.</summary>
    internal static void ConfigureHost(IRabbitMqBusFactoryConfigurator cfg, MessagingOptions options)
    {
        cfg.Host(options.Host, (ushort)options.Port, options.VirtualHost, host =>
        {
            host.Username(options.Username!);
            host.Password(options.Password!);
            // A publish completes only when the broker has the message (on disk, for durable queues).
            host.PublisherConfirmation = true;
        });
    }

    /// <summary>
    /// The topology every bus of ours shares: <see cref="IIntegrationEvent"/> is what all contracts carry, and nobody
    /// subscribes to it, so it gets no exchange of its own (a contract's exchange is bound to nothing above it).
    /// </summary>
    internal static void ConfigureTopology(IBusFactoryConfigurator cfg) =>
        cfg.Publish<IIntegrationEvent>(publish => publish.Exclude = true);

    private static void ConfigureBus<TEndpoint>(IBusRegistrationContext context, IBusFactoryConfigurator<TEndpoint> cfg)
        where TEndpoint : IReceiveEndpointConfigurator
    {
        var options = context.GetRequiredService<IOptions<MessagingOptions>>().Value;
        ConfigureTopology(cfg);
        // Consumers keep copies with version guards, so a redelivered message is harmless and retrying is safe.
        cfg.UseMessageRetry(retry => retry.Exponential(
            options.RetryLimit, options.RetryMinInterval, options.RetryMaxInterval, options.RetryMinInterval));
        cfg.ConfigureEndpoints(context);
    }
}
