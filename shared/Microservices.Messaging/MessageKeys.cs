using System.Security.Cryptography;
using System.Text;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microservices.Messaging;

/// <summary>
/// The key of one message type on one receive endpoint: the id of the item its consumer changes (an author, a client).
/// An endpoint with keys handles messages of one key one at a time, in the order it received them, and messages of
/// different keys concurrently, up to <see cref="MessagingOptions.ConsumerConcurrency"/> messages at once (MassTransit's
/// partitioner: one partitioner per endpoint, shared by all its keyed message types, so a rename and a new book of
/// the same author never run together). More concurrency then adds work on other items instead of consumers that
/// fight over the same ones. Registered with <see cref="MessageKeyExtensions.PartitionBy"/>; applied by
/// <see cref="MessagingServiceCollectionExtensions.AddMessaging"/> to the endpoint of that name.
/// </summary>
public sealed class MessageKey
{
    private const int PartitionsPerPlace = 4;

    private readonly Action<IReceiveEndpointConfigurator, IPartitioner> _partition;

    internal MessageKey(string endpoint, Type messageType, Action<IReceiveEndpointConfigurator, IPartitioner> partition)
    {
        Endpoint = endpoint;
        MessageType = messageType;
        _partition = partition;
    }

    public string Endpoint { get; }

    public Type MessageType { get; }

    /// <summary>Partitions every keyed message type of <paramref name="name"/>, if it has any; other endpoints are left as they are.</summary>
    internal static void Configure(IRegistrationContext context, string name, IReceiveEndpointConfigurator endpoint)
    {
        var keys = context.GetServices<MessageKey>().Where(k => k.Endpoint == name).ToList();
        if (keys.Count == 0)
        {
            return;
        }

        var options = context.GetRequiredService<IOptions<MessagingOptions>>().Value;
        // A message waiting for its key's partition holds one of the endpoint's ConsumerConcurrency places. With
        // fewer partitions than places, keys that share a partition fill them with waiting messages: a soak's queues
        // grew while 32 places waited on 8 partitions (docs/consistency.md, "Places and partitions"). So keys are
        // spread over four times as many partitions as places, and two keys rarely share one; only a key's own
        // messages wait for each other.
        endpoint.PrefetchCount = options.PrefetchCount;
        endpoint.ConcurrentMessageLimit = options.ConsumerConcurrency;
        var partitioner = endpoint.CreatePartitioner(options.ConsumerConcurrency * PartitionsPerPlace);
        foreach (var key in keys)
        {
            key._partition(endpoint, partitioner);
        }
    }

    /// <summary>The partitioner takes a Guid; a key is any string, so it is hashed (the same key, the same Guid, in every process).</summary>
    internal static Guid Hash(string key) => new(SHA256.HashData(Encoding.UTF8.GetBytes(key)).AsSpan(0, 16));
}

public static class MessageKeyExtensions
{
    /// <summary>
    /// Messages of type <typeparamref name="TMessage"/> on <paramref name="endpoint"/> are handled in order per
    /// <paramref name="key"/> (see <see cref="MessageKey"/>). A module says only which key; the mechanism is here.
    /// </summary>
    public static IBusRegistrationConfigurator PartitionBy<TMessage>(
        this IBusRegistrationConfigurator bus, string endpoint, Func<TMessage, string> key)
        where TMessage : class
    {
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        ArgumentNullException.ThrowIfNull(key);
        bus.AddSingleton(new MessageKey(endpoint, typeof(TMessage),
            (configurator, partitioner) => configurator.UsePartitioner<TMessage>(partitioner, context => MessageKey.Hash(key(context.Message)))));
        return bus;
    }
}
