using EventRelay;
using Microservices.SingleTable;
using Microservices.Streams;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Deploy;

/// <summary>
/// The relay's stream consumer options, built as the relay builds them (its appsettings.json, then
/// <see cref="EventRelayModule.AddEventRelay"/> with its defaults and its configuration section), and what an event
/// source mapping makes of them when the relay runs as a Lambda function.
/// </summary>
public static class RelayStreamSettings
{
    /// <summary>The relay's options, as its own host resolves them from <paramref name="relayAppSettings"/> and <paramref name="overrides"/>.</summary>
    public static StreamConsumerOptions Options(string relayAppSettings, IEnumerable<KeyValuePair<string, string?>>? overrides = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(relayAppSettings, optional: false)
            .AddInMemoryCollection(overrides ?? [])
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddOptions<DynamoDbOptions>().BindConfiguration(DynamoDbOptions.Section);
        services.AddEventRelay();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptionsMonitor<StreamConsumerOptions>>().Get(EventRelayModule.ConsumerName);
    }

    /// <summary>
    /// The event source mapping's settings for <paramref name="options"/>, each in Lambda's range or refused with the
    /// option it could not carry.
    /// </summary>
    public static EventSourceMappingSettings ToEventSourceMapping(StreamConsumerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new EventSourceMappingSettings(
            BatchSize: InRange(options.BatchSize, 1, 10_000, nameof(options.BatchSize)),
            MaximumBatchingWindowInSeconds: InRange(WholeSeconds(options.BatchingWindow, nameof(options.BatchingWindow)), 0, 300, nameof(options.BatchingWindow)),
            BisectBatchOnFunctionError: options.BisectBatchOnError,
            MaximumRetryAttempts: InRange(options.MaxRetryAttempts, 0, 10_000, nameof(options.MaxRetryAttempts)),
            // Null keeps every record, which Lambda writes -1 (until the stream's 24 hours trim it).
            MaximumRecordAgeInSeconds: options.MaxRecordAge is { } age
                ? InRange(WholeSeconds(age, nameof(options.MaxRecordAge)), 60, 604_800, nameof(options.MaxRecordAge))
                : -1,
            // Lambda keeps order per item key only. A host that orders more coarsely (the relay: by partition key, so one
            // aggregate's events reach the broker in order) cannot have batches of a shard in parallel behind Lambda.
            ParallelizationFactor: options.OrderingKey is null ? InRange(options.ParallelizationFactor, 1, 10, nameof(options.ParallelizationFactor)) : 1,
            // One invocation handles one batch: the handler's timeout is the function's, at most Lambda's 15 minutes.
            FunctionTimeoutSeconds: InRange(WholeSeconds(options.HandlerTimeout, nameof(options.HandlerTimeout)), 1, 900, nameof(options.HandlerTimeout)));
    }

    private static int WholeSeconds(TimeSpan value, string option)
    {
        if (value.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            throw new ArgumentOutOfRangeException(option, value, $"{option} is {value}: Lambda takes whole seconds.");
        }

        return checked((int)value.TotalSeconds);
    }

    private static int InRange(int value, int min, int max, string option) =>
        value >= min && value <= max
            ? value
            : throw new ArgumentOutOfRangeException(option, value, $"{option} is {value}: Lambda allows {min} to {max}.");
}

/// <summary>What the relay's options become on a Lambda event source mapping (and its function's timeout).</summary>
public sealed record EventSourceMappingSettings(
    int BatchSize,
    int MaximumBatchingWindowInSeconds,
    bool BisectBatchOnFunctionError,
    int MaximumRetryAttempts,
    int MaximumRecordAgeInSeconds,
    int ParallelizationFactor,
    int FunctionTimeoutSeconds);
