namespace Microservices.Messaging;

/// <summary>Which transport carries integration events and how to reach it. Bound from the "Messaging" section.</summary>
public sealed class MessagingOptions
{
    public const string Section = "Messaging";

    public MessageTransport Transport { get; set; } = MessageTransport.RabbitMq;

    public string Host { get; set; } = "localhost";

    public int Port { get; set; } = 5672;

    public string VirtualHost { get; set; } = "/";

    /// <summary>The broker user of this deployment, required for RabbitMQ: never <c>guest</c>, whose password everyone knows.</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>
    /// How long one publish may wait for the broker's confirm. A broker outage then fails the stream record, which is
    /// read again later, instead of holding the shard forever.
    /// </summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Redeliveries of a failed message inside the consumer before it is moved to the endpoint's _error queue.</summary>
    public int RetryLimit { get; set; } = 8;

    /// <summary>First wait between redeliveries; it grows exponentially up to <see cref="RetryMaxInterval"/>.</summary>
    public TimeSpan RetryMinInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan RetryMaxInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many messages an endpoint with <see cref="MessageKey"/>s handles at once; never two of one key, whatever
    /// this is. Each of them may itself keep DynamoDb:FanOutConcurrency writes in flight, so the two together bound
    /// the requests one worker sends at once.
    /// </summary>
    public int ConsumerConcurrency { get; set; } = 16;

    /// <summary>
    /// How many messages such an endpoint takes from the broker ahead of handling them, so that the next ones are at
    /// hand when a message ends. At least <see cref="ConsumerConcurrency"/>.
    /// </summary>
    public int PrefetchCount { get; set; } = 32;
}
