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
/// Publishes the event items of a stream batch as the integration contracts their services recorded with them: all
/// publishes of a batch started in stream order and their confirms awaited together, except that an event waits for
/// the confirm of the one before it in its own event stream. It knows no service: the contract's type name and JSON are on the event item, and
/// the type comes from the contracts it is given. Every publish waits for the broker's confirm (bounded by
/// <see cref="MessagingOptions.PublishTimeout"/>), and the handler answers only when all of them are confirmed, so
/// when it answers success every event is on the broker, and only then does the stream consumer move its checkpoint.
/// Events of one stream reach the broker in stream order; events of different streams in about stream order.
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
        // Every publish is started in stream order and the confirms are awaited together; an event waits only for
        // the confirm of the one before it in its own stream, so each stream still reaches the broker in order.
        var streams = new Dictionary<string, Task>(StringComparer.Ordinal);
        DynamoDbStreamRecord? unreadable = null;
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
                unreadable = record;
                break;
            }

            if (contract is not null)
            {
                streams[stored.Stream] = streams.TryGetValue(stored.Stream, out var before)
                    ? AfterAsync(before, record, stored, contract, cancellationToken)
                    : PublishTracedAsync(record, stored, contract, cancellationToken);
            }
        }

        // Success, or the failure of the unreadable record, only once every event before it is confirmed; a broker
        // that did not confirm one fails the whole call (DependencyUnavailableException).
        await Task.WhenAll(streams.Values);
        return unreadable is null ? StreamsEventResponse.Success : StreamsEventResponse.FailedFrom(unreadable);
    }

    private async Task AfterAsync(Task before, DynamoDbStreamRecord record, StoredEvent stored, object contract, CancellationToken cancellationToken)
    {
        await before;
        await PublishTracedAsync(record, stored, contract, cancellationToken);
    }

    private async Task PublishTracedAsync(DynamoDbStreamRecord record, StoredEvent stored, object contract, CancellationToken cancellationToken)
    {
        // The publish continues the trace of the command that appended the event.
        using var activity = StreamConsumerTelemetry.ActivitySource.StartActivity(
            $"publish {stored.EventType}", ActivityKind.Producer, StreamTraceContext.ParentOf(record));
        await PublishAsync(contract, stored.EventId, cancellationToken);
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
