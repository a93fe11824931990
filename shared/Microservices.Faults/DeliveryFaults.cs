using System.Collections.Concurrent;
using MassTransit;
using Microservices.Messaging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microservices.Faults;

/// <summary>What <see cref="DeliveryFaults"/> did to a message.</summary>
public enum DeliveryFaultKind
{
    /// <summary>Sent to its queue a second time with the same message id: the copy arrives later, after newer messages.</summary>
    Duplicated,

    /// <summary>Held back before its consumer ran, so messages received after it are consumed first.</summary>
    Delayed,
}

/// <summary>
/// Duplicate and reordered delivery, the two things a broker is allowed to do that consumers must shrug off. A consume
/// filter on the chosen receive endpoints duplicates a fraction of the messages (the duplicate goes back to the same
/// queue with the same message id, so it is a real second delivery, later and out of order) and delays another
/// fraction (concurrent consumers overtake it). The draws come from one seeded <see cref="Random"/>.
/// </summary>
public sealed class DeliveryFaults
{
    private readonly Random _random;
    private readonly ConcurrentDictionary<DeliveryFaultKind, long> _injected = new();
    private readonly ConcurrentDictionary<Guid, byte> _duplicated = new();

    /// <param name="duplicateRate">The fraction of messages delivered twice, 0 to 1.</param>
    /// <param name="delayRate">The fraction of messages held back, 0 to 1.</param>
    /// <param name="maxDelay">The longest a message is held back; each delay is drawn between zero and this.</param>
    /// <param name="seed">Seeds the draws.</param>
    public DeliveryFaults(double duplicateRate, double delayRate, TimeSpan maxDelay, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duplicateRate, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(duplicateRate, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(delayRate, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(delayRate, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDelay, TimeSpan.Zero);
        DuplicateRate = duplicateRate;
        DelayRate = delayRate;
        MaxDelay = maxDelay;
        _random = new Random(seed);
    }

    public double DuplicateRate { get; }

    public double DelayRate { get; }

    public TimeSpan MaxDelay { get; }

    /// <summary>Off, messages pass untouched: a soak turns faults off to wait for quiescence.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The faults injected so far, by kind.</summary>
    public IReadOnlyDictionary<DeliveryFaultKind, long> Injected => _injected.ToDictionary(p => p.Key, p => p.Value);

    public long TotalInjected => _injected.Values.Sum();

    /// <summary>What to do with the next message: whether to send it again, and how long to hold it first.</summary>
    internal (bool Duplicate, TimeSpan Delay) Draw(Guid? messageId)
    {
        if (!Enabled)
        {
            return (false, TimeSpan.Zero);
        }

        double duplicateRoll, delayRoll, delayFraction;
        lock (_random)
        {
            duplicateRoll = _random.NextDouble();
            delayRoll = _random.NextDouble();
            delayFraction = _random.NextDouble();
        }

        // A message is duplicated once at most: its duplicate, and its retries, pass through again untouched.
        var duplicate = duplicateRoll < DuplicateRate && messageId is { } id && _duplicated.TryAdd(id, 0);
        var delay = delayRoll < DelayRate ? MaxDelay * delayFraction : TimeSpan.Zero;
        if (duplicate)
        {
            Count(DeliveryFaultKind.Duplicated);
        }

        if (delay > TimeSpan.Zero)
        {
            Count(DeliveryFaultKind.Delayed);
        }

        return (duplicate, delay);
    }

    private void Count(DeliveryFaultKind kind) => _injected.AddOrUpdate(kind, 1, (_, n) => n + 1);
}

/// <summary>The consume filter that applies <see cref="DeliveryFaults"/> to each message of one type.</summary>
public sealed class DeliveryFaultFilter<T>(DeliveryFaults faults) : IFilter<ConsumeContext<T>>
    where T : class
{
    public async Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var (duplicate, delay) = faults.Draw(context.MessageId);
        if (duplicate)
        {
            var queue = await context.GetSendEndpoint(context.ReceiveContext.InputAddress).ConfigureAwait(false);
            var messageId = context.MessageId;
            await queue.Send(context.Message, Pipe.Execute<SendContext<T>>(send => send.MessageId = messageId), context.CancellationToken)
                .ConfigureAwait(false);
        }

        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, context.CancellationToken).ConfigureAwait(false);
        }

        await next.Send(context).ConfigureAwait(false);
    }

    public void Probe(ProbeContext context) => context?.CreateFilterScope("deliveryFaults");
}

public static class DeliveryFaultsExtensions
{
    /// <summary>
    /// Applies <paramref name="faults"/> to every message consumed on the receive endpoints named
    /// <paramref name="endpoints"/> (every endpoint when none are named) of the bus AddMessaging registers.
    /// </summary>
    public static IServiceCollection AddDeliveryFaults(
        this IServiceCollection services, DeliveryFaults faults, params string[] endpoints)
    {
        ArgumentNullException.ThrowIfNull(faults);
        return services.AddDeliveryFaults(_ => faults, endpoints);
    }

    /// <summary>The same, with the injector taken from the container (the one configuration built).</summary>
    public static IServiceCollection AddDeliveryFaults(
        this IServiceCollection services, Func<IServiceProvider, DeliveryFaults> faults, params string[] endpoints)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(endpoints);
        services.TryAddSingleton(faults);
        services.TryAddScoped(typeof(DeliveryFaultFilter<>));
        services.AddSingleton(new ReceiveEndpointConfiguration((context, name, endpoint) =>
        {
            if (endpoints.Length == 0 || endpoints.Contains(name, StringComparer.Ordinal))
            {
                endpoint.UseConsumeFilter(typeof(DeliveryFaultFilter<>), context);
            }
        }));
        return services;
    }
}
