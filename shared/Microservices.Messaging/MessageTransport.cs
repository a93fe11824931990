namespace Microservices.Messaging;

public enum MessageTransport
{
    /// <summary>A broker: durable queues, publisher confirms, several processes. Tests, CI and docker-compose use it.</summary>
    RabbitMq,

    /// <summary>
    /// Inside one process, with no broker to install: the one-command run's default. Messages in flight are lost when
    /// the process dies.
    /// </summary>
    InMemory,
}
