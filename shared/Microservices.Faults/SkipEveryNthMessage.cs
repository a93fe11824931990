using System.Collections.Concurrent;
using MassTransit;
using Microservices.Messaging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microservices.Faults;

/// <summary>
/// A worker broken on purpose: every Nth message consumed is acknowledged without being handled, as a worker with a
/// bug that skips every hundredth event would. It exists so a test can show that the consistency check catches
/// exactly what such a worker leaves behind; a harness that passes a broken system is worse than none.
/// </summary>
public sealed class SkipEveryNthMessage(int every)
{
    private readonly ConcurrentQueue<object> _skipped = new();
    private long _consumed;

    public int Every { get; } = every > 0 ? every : throw new ArgumentOutOfRangeException(nameof(every), every, "Skip every 1st message or more.");

    /// <summary>The messages dropped, in the order they were.</summary>
    public IReadOnlyList<object> Skipped => [.. _skipped];

    internal bool Skip(object message)
    {
        if (Interlocked.Increment(ref _consumed) % Every != 0)
        {
            return false;
        }

        _skipped.Enqueue(message);
        return true;
    }
}

/// <summary>The consume filter that drops the messages <see cref="SkipEveryNthMessage"/> picks.</summary>
public sealed class SkipEveryNthMessageFilter<T>(SkipEveryNthMessage sabotage) : IFilter<ConsumeContext<T>>
    where T : class
{
    public Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        return sabotage.Skip(context.Message) ? Task.CompletedTask : next.Send(context);
    }

    public void Probe(ProbeContext context) => context?.CreateFilterScope("skipEveryNthMessage");
}

public static class SkipEveryNthMessageExtensions
{
    /// <summary>Breaks the receive endpoints named <paramref name="endpoints"/> on purpose (see <see cref="SkipEveryNthMessage"/>).</summary>
    public static IServiceCollection AddSkipEveryNthMessage(
        this IServiceCollection services, SkipEveryNthMessage sabotage, params string[] endpoints)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(endpoints);
        services.TryAddSingleton(sabotage);
        services.TryAddScoped(typeof(SkipEveryNthMessageFilter<>));
        services.AddSingleton(new ReceiveEndpointConfiguration((context, name, endpoint) =>
        {
            if (endpoints.Contains(name, StringComparer.Ordinal))
            {
                endpoint.UseConsumeFilter(typeof(SkipEveryNthMessageFilter<>), context);
            }
        }));
        return services;
    }
}
