using System.Reflection;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microservices.Messaging;

/// <summary>
/// Declares the subscribers' durable queues and their bindings on the broker before anything is published.
/// RabbitMQ drops a message that no queue is bound for, and a worker binds its queue only when it first starts, so a
/// relay that started first on a new broker would lose every event published until then. Given the subscriptions as
/// data (queue -> the message types it takes), this builds a MassTransit bus that only deploys topology
/// (<c>DeployTopologyOnly</c>): one receive endpoint per queue, bound to each message type as a consumer of that type
/// would bind it (the message type's exchange -> the queue's exchange -> the queue), and never consuming. The workers
/// declare the same entities when they start; declaring is idempotent, so whoever comes first wins nothing and loses
/// nothing. The in-memory transport needs none of this: its consumers are on the publisher's own bus.
/// </summary>
public sealed class BrokerTopology(
    IReadOnlyDictionary<string, IReadOnlyList<Type>> subscriptions,
    IOptions<MessagingOptions> options,
    ILogger<BrokerTopology> logger) : IHostedService
{
    /// <summary>How long the declaration may wait for the broker before the host fails to start.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static readonly MethodInfo BindMethod =
        typeof(BrokerTopology).GetMethod(nameof(Bind), BindingFlags.NonPublic | BindingFlags.Static)!;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.Transport == MessageTransport.InMemory || subscriptions.Count == 0)
        {
            return;
        }

        var bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            MessagingServiceCollectionExtensions.ConfigureHost(cfg, settings);
            MessagingServiceCollectionExtensions.ConfigureTopology(cfg);
            cfg.DeployTopologyOnly = true;
            foreach (var (queue, messageTypes) in subscriptions)
            {
                cfg.ReceiveEndpoint(queue, endpoint =>
                {
                    // Only the bindings named here: the endpoint has no consumers whose types could add others.
                    endpoint.ConfigureConsumeTopology = false;
                    foreach (var messageType in messageTypes)
                    {
                        BindMethod.MakeGenericMethod(messageType).Invoke(null, [endpoint]);
                    }
                });
            }
        });

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        await bus.DeployAsync(timeout.Token);
        logger.LogInformation(
            "Declared the queues {Queues} and their bindings on {Host}{VirtualHost}",
            string.Join(", ", subscriptions.Keys), settings.Host, settings.VirtualHost);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // MassTransit names a message type's exchange by its own convention; binding through the generic call keeps it.
    private static void Bind<TMessage>(IRabbitMqReceiveEndpointConfigurator endpoint)
        where TMessage : class => endpoint.Bind<TMessage>();
}
