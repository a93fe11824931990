using System.Diagnostics;
using MassTransit;
using Microservices.EventSourcing;
using Microservices.Streams;
using Microservices.Streams.Lambda;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microservices.Messaging;

/// <summary>
/// Publishes the event items of a stream batch as integration events, in stream order, one at a time. Each publish
/// waits for the broker's confirm (bounded by <see cref="MessagingOptions.PublishTimeout"/>), so when the handler
/// answers success every event is on the broker, and only then does the stream consumer move its checkpoint.
/// Two kinds of failure are told apart. An event that cannot be mapped to its contract is that record's fault: it
/// is reported in batchItemFailures, retried, and dead-lettered after its retries. A broker that does not confirm is
/// nobody's fault: the handler throws <see cref="DependencyUnavailableException"/> and the consumer waits for the
/// broker without dead-lettering anything. Either way events are published at least once, never lost, and a
/// re-published event keeps its MessageId.
/// </summary>
public sealed class IntegrationEventPublisher<TMap>(
    IBus bus,
    TMap map,
    IOptions<MessagingOptions> options,
    ILogger<IntegrationEventPublisher<TMap>> logger) : IDynamoDbStreamHandler
    where TMap : class, IIntegrationEventMap
{
    private readonly TimeSpan _timeout = options.Value.PublishTimeout;

    public async Task<StreamsEventResponse> HandleAsync(DynamoDbEvent streamEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(streamEvent);
        foreach (var record in streamEvent.Records)
        {
            if (!record.TryReadEvent(out var stored))
            {
                continue;
            }

            object? contract;
            try
            {
                contract = map.ToContract(stored);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Everything after this record is delivered again with it, so stopping here keeps stream order.
                logger.LogWarning(exception, "The event at {SequenceNumber} cannot be mapped to its contract", record.Dynamodb.SequenceNumber);
                return StreamsEventResponse.FailedFrom(record);
            }

            if (contract is not null)
            {
                // The publish continues the trace of the command that appended the event.
                using var activity = StreamConsumerTelemetry.ActivitySource.StartActivity(
                    $"publish {stored.EventType}", ActivityKind.Producer, StreamTraceContext.ParentOf(record));
                await PublishAsync(contract, stored.EventId, cancellationToken);
            }
        }

        return StreamsEventResponse.Success;
    }

    private async Task PublishAsync(object contract, Guid eventId, CancellationToken cancellationToken)
    {
        // While the broker is down MassTransit waits for the connection to come back; the timeout turns that wait
        // into an outage the consumer waits out, instead of a handler call that never returns.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            await bus.Publish(contract, Pipe.Execute<PublishContext>(context => context.MessageId = eventId), timeout.Token);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DependencyUnavailableException(
                exception is OperationCanceledException
                    ? $"The broker did not confirm {contract.GetType().Name} {eventId} within {_timeout}."
                    : $"Publishing {contract.GetType().Name} {eventId} failed: {exception.Message}",
                exception);
        }
    }
}
