using Microservices.Contracts.Clients;

namespace Microservices.Tests.Orders;

/// <summary>Watches the Orders worker's bus for the client changes the relay delivers.</summary>
public static class ClientEvents
{
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
