using System.Diagnostics;
using System.Diagnostics.Metrics;
using MassTransit;
using Microservices.EventSourcing;
using Microservices.Streams;
using Microservices.Streams.Lambda;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microservices.Messaging;

/// <summary>
/// Publishes the event items of a stream batch as the integration contracts their services recorded with them, in
/// stream order, one at a time. It knows no service: the contract's type name and JSON are on the event item, and
/// the type comes from the contracts it is given. Each publish waits for the broker's confirm (bounded by
/// <see cref="MessagingOptions.PublishTimeout"/>), so when the handler answers success every event is on the
/// broker, and only then does the stream consumer move its checkpoint.
/// Two kinds of failure are told apart. A contract that cannot be read (a type this relay does not know, JSON that is
/// not that type) is that record's fault: it is reported in batchItemFailures, retried, and dead-lettered after its
/// retries. A broker that does not confirm is nobody's fault: the handler throws
/// <see cref="DependencyUnavailableException"/> and the consumer waits for the broker without dead-lettering anything.
/// Either way events are published at least once, never lost, and a re-published event keeps its MessageId.
/// An event stored before contracts were recorded has none to publish: it is skipped, logged and counted
/// (<c>messaging.events.without_contract</c>).
/// </summary>
public sealed class IntegrationEventPublisher(
    IBus bus,
    IntegrationContracts contracts,
    IOptions<MessagingOptions> options,
    ILogger<IntegrationEventPublisher> logger) : IDynamoDbStreamHandler
{
    /// <summary>The publisher's meter; service defaults export every "Microservices.*" meter.</summary>
    public const string MeterName = "Microservices.Messaging";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> WithoutContract = Meter.CreateCounter<long>(
        "messaging.events.without_contract", "{event}", "Event items stored before contracts were recorded on them, skipped by the relay.");

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

            if (stored.ContractType is null)
            {
                // Nothing says what its service publishes it as, and the relay knows no service to ask.
                WithoutContract.Add(1, new KeyValuePair<string, object?>("event_type", stored.EventType));
                logger.LogWarning(
                    "The event {EventType} of {Stream} version {Version} was stored without its contract and is not published; ops check finds the copies it would have changed",
                    stored.EventType, stored.Stream, stored.Version);
                continue;
            }

            object? contract;
            try
            {
                contract = contracts.ContractOf(stored);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Everything after this record is delivered again with it, so stopping here keeps stream order.
                logger.LogWarning(exception, "The event at {SequenceNumber} cannot be read as its contract", record.Dynamodb.SequenceNumber);
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
