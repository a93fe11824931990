using System.Collections.Concurrent;

namespace Microservices.Tests.Infrastructure;

/// <summary>
/// Watches a bus: every message it published (with the broker's confirm) and every message its consumers finished.
/// A publish is recorded only once it completed, so after the publisher returns the list is final.
/// </summary>
public sealed class BusTraffic : IPublishObserver, IConsumeObserver
{
    private readonly ConcurrentQueue<PublishedMessage> _published = new();
    private int _consumed;

    public IReadOnlyList<PublishedMessage> Published => [.. _published];

    public int Consumed => Volatile.Read(ref _consumed);

    public static BusTraffic Watch(IBus bus)
    {
        ArgumentNullException.ThrowIfNull(bus);
        var traffic = new BusTraffic();
        bus.ConnectPublishObserver(traffic);
        bus.ConnectConsumeObserver(traffic);
        return traffic;
    }

    /// <summary>Waits until the consumers have finished at least <paramref name="count"/> messages in all.</summary>
    public Task UntilConsumedAsync(int count, TimeSpan? timeout = null) =>
        Eventually.Until(() => Task.FromResult(Consumed), consumed => consumed >= count, timeout, $"{count} consumed messages");

    public void Clear() => _published.Clear();

    Task IPublishObserver.PrePublish<T>(PublishContext<T> context) => Task.CompletedTask;

    Task IPublishObserver.PostPublish<T>(PublishContext<T> context)
    {
        _published.Enqueue(new PublishedMessage(typeof(T), context.MessageId, context.Message));
        return Task.CompletedTask;
    }

    Task IPublishObserver.PublishFault<T>(PublishContext<T> context, Exception exception) => Task.CompletedTask;

    Task IConsumeObserver.PreConsume<T>(ConsumeContext<T> context) => Task.CompletedTask;

    Task IConsumeObserver.PostConsume<T>(ConsumeContext<T> context)
    {
        Interlocked.Increment(ref _consumed);
        return Task.CompletedTask;
    }

    Task IConsumeObserver.ConsumeFault<T>(ConsumeContext<T> context, Exception exception) => Task.CompletedTask;
}

public sealed record PublishedMessage(Type Type, Guid? MessageId, object Message)
{
    /// <summary>Whether a consumer of <paramref name="contract"/> takes this message: a v2 contract is its v1 too.</summary>
    public bool IsA(Type contract)
    {
        ArgumentNullException.ThrowIfNull(contract);
        return contract.IsAssignableFrom(Type);
    }
}
