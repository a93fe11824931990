using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mediator;
using Microservices.EventSourcing;
using Microservices.ServiceDefaults;
using Microservices.SingleTable;

namespace Microservices.ServiceDefaults;

/// <summary>Every message that is <see cref="IValidatable"/> is checked before its handler runs (a 400 when it is not valid).</summary>
public sealed class ValidationBehavior<TMessage, TResponse> : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    public ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);
        if (message is IValidatable input)
        {
            Validation.Check(input);
        }

        return next(message, cancellationToken);
    }
}

/// <summary>
/// Every <see cref="IIdempotentCreate"/> sent with a key runs through <see cref="IdempotentCreates"/>: once per key,
/// its request fingerprinted as the service understood it (the command, whatever the JSON's property order).
/// </summary>
public sealed class IdempotencyBehavior<TMessage, TResponse>(IdempotentCreates creates) : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);
        if (message is not IIdempotentCreate { Idempotency: { } key })
        {
            return await next(message, cancellationToken);
        }

        var result = await creates.RunAsync(key.Key, Fingerprint(message), async () => await next(message, cancellationToken), cancellationToken);
        key.Replayed = result.Replayed;
        return result.Response;
    }

    /// <summary>SHA-256 of the command's type and its JSON, object properties in ordinal order, the key itself left out.</summary>
    private static string Fingerprint(TMessage message)
    {
        var json = JsonSerializer.SerializeToNode(message, message.GetType(), EventTypeMap.Json)!.AsObject();
        json.Remove(nameof(IIdempotentCreate.Idempotency).ToLowerInvariant());
        var canonical = $"{typeof(TMessage).FullName}\n{Canonical(json)!.ToJsonString()}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    private static JsonNode? Canonical(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Canonical(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(Canonical)]),
        _ => node?.DeepClone(),
    };
}

/// <summary>A span and a measurement per command: its name, how long it took and how it ended (ok or the exception's type).</summary>
public sealed class CommandTelemetryBehavior<TMessage, TResponse> : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);
        if (message is not IBaseCommand)
        {
            return await next(message, cancellationToken);
        }

        var name = typeof(TMessage).Name;
        using var activity = CommandTelemetry.Source.StartActivity($"command {name}");
        activity?.SetTag(CommandTelemetry.CommandTag, name);
        var started = Stopwatch.GetTimestamp();
        var outcome = "ok";
        try
        {
            return await next(message, cancellationToken);
        }
        catch (Exception exception)
        {
            outcome = exception.GetType().Name;
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            throw;
        }
        finally
        {
            activity?.SetTag(CommandTelemetry.OutcomeTag, outcome);
            CommandTelemetry.Duration.Record(
                Stopwatch.GetElapsedTime(started).TotalSeconds,
                new KeyValuePair<string, object?>(CommandTelemetry.CommandTag, name),
                new KeyValuePair<string, object?>(CommandTelemetry.OutcomeTag, outcome));
        }
    }
}

/// <summary>The names the command telemetry is recorded under.</summary>
public static class CommandTelemetry
{
    public const string Name = TelemetryNames.OwnPrefix + "Commands";
    public const string CommandTag = "command.name";
    public const string OutcomeTag = "command.outcome";
    public const string DurationInstrument = "commands.duration";

    public static ActivitySource Source { get; } = new(Name);

    private static readonly Meter Meter = new(Name);

    public static Histogram<double> Duration { get; } = Meter.CreateHistogram<double>(DurationInstrument, "s", "How long each command took, by command and outcome.");
}
