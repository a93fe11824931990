using System.Text.Json;
using Microservices.Streams;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microservices.Faults;

/// <summary>
/// The injectors a process runs with, built from <see cref="FaultInjectionOptions"/>: none unless configured. The DynamoDB
/// client and the Streams client take <see cref="DynamoDb"/>, the bus takes <see cref="Delivery"/>, and the counts go to
/// <see cref="FaultInjectionOptions.CountsFile"/> so that a process killed with SIGKILL still leaves them behind.
/// </summary>
public sealed class ConfiguredFaults : IDisposable
{
    private readonly FaultInjectionOptions _options;
    private readonly Timer? _writer;

    public ConfiguredFaults(IOptions<FaultInjectionOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        DynamoDb = _options.DynamoDbRate > 0 ? new DynamoDbFaults(_options.DynamoDbRate, _options.Seed) : null;
        Delivery = _options.InjectsDelivery
            ? new DeliveryFaults(_options.DuplicateRate, _options.DelayRate, _options.MaxDelay, _options.Seed + 1)
            : null;
        if (!string.IsNullOrWhiteSpace(_options.CountsFile))
        {
            _writer = new Timer(_ => WriteCounts(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(500));
        }
    }

    public DynamoDbFaults? DynamoDb { get; }

    public DeliveryFaults? Delivery { get; }

    /// <summary>Every fault injected so far, by kind name (the names of <see cref="DynamoDbFaultKind"/> and <see cref="DeliveryFaultKind"/>).</summary>
    public IReadOnlyDictionary<string, long> Counts()
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (kind, count) in DynamoDb?.Injected ?? new Dictionary<DynamoDbFaultKind, long>())
        {
            counts[kind.ToString()] = count;
        }

        foreach (var (kind, count) in Delivery?.Injected ?? new Dictionary<DeliveryFaultKind, long>())
        {
            counts[kind.ToString()] = count;
        }

        return counts;
    }

    /// <summary>The handler for the Streams client's HTTP pipeline: the injector's, or one that passes every request on.</summary>
    public DelegatingHandler StreamsHandler() => DynamoDb?.CreateHandler() ?? new PassThroughHandler();

    public void Dispose()
    {
        _writer?.Dispose();
        WriteCounts();
    }

    private void WriteCounts()
    {
        if (string.IsNullOrWhiteSpace(_options.CountsFile))
        {
            return;
        }

        // Written beside and moved over, so a reader never sees half a file, even from a process killed mid-write.
        var partial = _options.CountsFile + ".partial";
        lock (_options)
        {
            File.WriteAllText(partial, JsonSerializer.Serialize(Counts()));
            File.Move(partial, _options.CountsFile, overwrite: true);
        }
    }

    private sealed class PassThroughHandler : DelegatingHandler;
}

public static class ConfiguredFaultsExtensions
{
    /// <summary>Registers <see cref="ConfiguredFaults"/> once; the DynamoDB, Streams and messaging registrations call it.</summary>
    public static IServiceCollection AddConfiguredFaults(this IServiceCollection services)
    {
        services.AddOptions<FaultInjectionOptions>()
            .BindConfiguration(FaultInjectionOptions.Section)
            .Validate(o => o.DynamoDbRate is >= 0 and <= 1 && o.DuplicateRate is >= 0 and <= 1 && o.DelayRate is >= 0 and <= 1,
                "Faults rates are fractions from 0 to 1.");
        services.TryAddSingleton<ConfiguredFaults>();
        // The stream consumer's Streams client sends through this named HttpClient; its faults go in from here.
        if (!services.Any(s => s.ServiceType == typeof(StreamsFaultsMarker)))
        {
            services.AddSingleton<StreamsFaultsMarker>();
            services.AddHttpClient(StreamConsumerServiceCollectionExtensions.StreamsHttpClient)
                .AddHttpMessageHandler(provider => provider.GetRequiredService<ConfiguredFaults>().StreamsHandler());
        }

        return services;
    }

    private sealed class StreamsFaultsMarker;

    /// <summary>Whether <paramref name="configuration"/> asks for duplicated or delayed delivery.</summary>
    public static bool InjectsDelivery(IConfiguration configuration) =>
        configuration.GetSection(FaultInjectionOptions.Section).Get<FaultInjectionOptions>()?.InjectsDelivery == true;
}
