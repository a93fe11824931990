using MassTransit;
using Microservices.Shared.Lambda;
using Microservices.Shared.Streams;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microservices.Shared.Messaging;

/// <summary>
/// Publishes the event items of a stream batch as integration events, in stream order, one at a time. Each publish
/// waits for the broker's confirm (bounded by <see cref="MessagingOptions.PublishTimeout"/>), so when the handler
/// answers success every event is on the broker, and only then does the stream consumer move its checkpoint. The
/// first publish that fails is reported as the batch's failure, and the consumer reads again from it: events are
/// published at least once, never lost, and a re-published event keeps its MessageId.
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
            try
            {
                if (StoredEvent.TryRead(record, out var stored) && map.ToContract(stored) is { } contract)
                {
                    await PublishAsync(contract, stored.EventId, cancellationToken);
                }
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                // Everything after this record is delivered again with it, so stopping here keeps stream order.
                logger.LogWarning(exception, "Publishing the event at {SequenceNumber} failed", record.Dynamodb.SequenceNumber);
                return StreamsEventResponse.FailedFrom(record);
            }
        }

        return StreamsEventResponse.Success;
    }

    private async Task PublishAsync(object contract, Guid eventId, CancellationToken cancellationToken)
    {
        // While the broker is down MassTransit waits for the connection to come back; the timeout turns that wait
        // into a failed record instead of a stalled shard.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            await bus.Publish(contract, Pipe.Execute<PublishContext>(context => context.MessageId = eventId), timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The broker did not confirm {contract.GetType().Name} {eventId} within {_timeout}.");
        }
    }
}
