using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Microservices.Faults;

/// <summary>
/// The injectors a process runs with, built from <see cref="FaultInjectionOptions"/>: none unless configured.
/// <see cref="FaultsServiceCollectionExtensions.AddFaults"/> gives <see cref="DynamoDb"/> to the DynamoDB client and the
/// Streams client and <see cref="Delivery"/> to the bus; the counts go to <see cref="FaultInjectionOptions.CountsFile"/>
/// so that a process killed with SIGKILL still leaves them behind.
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

    /// <summary>What this process injects, in one line, e.g. "Faults injected: DynamoDB 5%, duplicates 2% (seed 7)".</summary>
    public string Description => Describe(_options);

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

    private static string Describe(FaultInjectionOptions options)
    {
        static string Percent(double rate) => (rate * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";
        var kinds = new List<string>();
        if (options.DynamoDbRate > 0)
        {
            kinds.Add($"DynamoDB {Percent(options.DynamoDbRate)}");
        }

        if (options.DuplicateRate > 0)
        {
            kinds.Add($"duplicates {Percent(options.DuplicateRate)}");
        }

        if (options.DelayRate > 0)
        {
            kinds.Add(string.Create(CultureInfo.InvariantCulture, $"delays {Percent(options.DelayRate)} up to {options.MaxDelay.TotalSeconds:0.###}s"));
        }

        return kinds.Count == 0
            ? "Faults injected: none (the Faults section asks for none)"
            : string.Create(CultureInfo.InvariantCulture, $"Faults injected: {string.Join(", ", kinds)} (seed {options.Seed})");
    }
}
