using MassTransit;
using Microservices.Contracts.Clients;
using Microservices.EventSourcing;
using Microservices.Messaging;
using Microservices.SingleTable;

namespace Microservices.Tests.Orders;

/// <summary>
/// Stands in for the Clients service's events (its service is being built in parallel): the client item is
/// written by the test, and its change published on the test's bus as the relay would publish it.
/// </summary>
public static class ClientEvents
{
    public static ClientDetailsChangedV1 Changed(string clientId, long version, string name, string email) =>
        new(EventIds.For("client", clientId, version), $"client-{clientId}", version, DateTimeOffset.UtcNow, clientId, name, email);

    /// <summary>Completes once a consumer has finished a <see cref="ClientDetailsChangedV1"/> of this client and version.</summary>
    public static Task ConsumedAsync(IBus bus, string clientId, long version)
    {
        ArgumentNullException.ThrowIfNull(bus);
        var observer = new ChangeObserver(clientId, version);
        var handle = bus.ConnectConsumeMessageObserver(observer);
        return observer.Done.Task.ContinueWith(_ => handle.Disconnect(), TaskScheduler.Default);
    }

    private sealed class ChangeObserver(string clientId, long version) : IConsumeMessageObserver<ClientDetailsChangedV1>
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task PreConsume(ConsumeContext<ClientDetailsChangedV1> context) => Task.CompletedTask;

        public Task PostConsume(ConsumeContext<ClientDetailsChangedV1> context)
        {
            if (context.Message.ClientId == clientId && context.Message.StreamVersion == version)
            {
                Done.TrySetResult();
            }

            return Task.CompletedTask;
        }

        public Task ConsumeFault(ConsumeContext<ClientDetailsChangedV1> context, Exception exception) => Task.CompletedTask;
    }
}
