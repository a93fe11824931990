using Microservices.Messaging;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microservices.Tests.Messaging;

/// <summary>
/// A receive endpoint with a message key, over RabbitMQ: messages of one key are handled one at a time and in the
/// order they were published, while messages of other keys are handled beside them, up to the configured concurrency.
/// </summary>
public sealed class MessageKeyTests(DynamoDbLocalFixture dynamo, RabbitMqFixture rabbit) : IAsyncLifetime
{
    private const string Endpoint = "message-key-probe";
    private const int Keys = 8;
    private const int PerKey = 6;

    private IHost _host = null!;

    private KeyProbe Probe => _host.Services.GetRequiredService<KeyProbe>();

    public async ValueTask InitializeAsync() =>
        _host = await WorkerHost.StartAsync(dynamo.NewTables("message-keys"), await rabbit.NewVirtualHostAsync("message-keys"), bus =>
        {
            bus.TryAddSingleton<KeyProbe>();
            bus.AddConsumer<KeyedProbeConsumer>().Endpoint(endpoint => endpoint.Name = Endpoint);
            bus.PartitionBy<KeyedProbe>(Endpoint, m => m.Key);
        }, relay: false);

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(TestContext.Current.CancellationToken);
        _host.Dispose();
    }

    [Fact]
    public async Task Messages_of_one_key_are_handled_one_at_a_time_in_order_while_other_keys_run_beside_them()
    {
        var bus = _host.Services.GetRequiredService<IBus>();
        for (var sequence = 0; sequence < PerKey; sequence++)
        {
            for (var key = 0; key < Keys; key++)
            {
                await bus.Publish(new KeyedProbe($"key-{key}", sequence), TestContext.Current.CancellationToken);
            }
        }

        await Eventually.Until(() => Task.FromResult(Probe.Handled), handled => handled == Keys * PerKey, what: $"{Keys * PerKey} probes handled");

        Assert.Equal(1, Probe.MostInFlightOfOneKey);
        var concurrency = _host.Services.GetRequiredService<IOptions<MessagingOptions>>().Value.ConsumerConcurrency;
        Assert.InRange(Probe.MostInFlight, 2, concurrency);
        Assert.All(Probe.Sequences, key => Assert.Equal(Enumerable.Range(0, PerKey), key.Value));
    }
}

public sealed record KeyedProbe(string Key, int Sequence);

/// <summary>
/// What the probe consumer saw: how many probes were handled at once, in all and of one key, and each key's
/// sequence numbers in the order they were handled.
/// </summary>
public sealed class KeyProbe
{
    private readonly Dictionary<string, int> _inFlightByKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<int>> _sequences = new(StringComparer.Ordinal);
    private TaskCompletionSource _nextStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _inFlight;

    public int Handled { get { lock (_sequences) { return _sequences.Values.Sum(s => s.Count); } } }

    public int MostInFlight { get; private set; }

    public int MostInFlightOfOneKey { get; private set; }

    public IReadOnlyDictionary<string, List<int>> Sequences { get { lock (_sequences) { return _sequences.ToDictionary(p => p.Key, p => p.Value.ToList()); } } }

    public async Task HandleAsync(KeyedProbe probe)
    {
        Task nextStarted;
        lock (_sequences)
        {
            var ofKey = _inFlightByKey[probe.Key] = _inFlightByKey.GetValueOrDefault(probe.Key) + 1;
            MostInFlightOfOneKey = Math.Max(MostInFlightOfOneKey, ofKey);
            MostInFlight = Math.Max(MostInFlight, ++_inFlight);
            _nextStarted.TrySetResult();
            _nextStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
            nextStarted = _nextStarted.Task;
        }

        // Each probe is held until the next one starts (at most briefly), so that probes the endpoint lets overlap do
        // overlap, and one the partitioner holds back makes this one wait no longer than that.
        await Task.WhenAny(nextStarted, Task.Delay(TimeSpan.FromMilliseconds(100)));

        lock (_sequences)
        {
            _inFlightByKey[probe.Key]--;
            _inFlight--;
            (_sequences.TryGetValue(probe.Key, out var list) ? list : _sequences[probe.Key] = []).Add(probe.Sequence);
        }
    }
}

public sealed class KeyedProbeConsumer(KeyProbe probe) : IConsumer<KeyedProbe>
{
    public Task Consume(ConsumeContext<KeyedProbe> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return probe.HandleAsync(context.Message);
    }
}
