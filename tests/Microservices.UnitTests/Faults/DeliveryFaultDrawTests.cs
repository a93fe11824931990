using Microservices.Faults;

namespace Microservices.UnitTests.Faults;

/// <summary>The delivery injector's decisions, without a broker: reproducible from the seed, at the rates asked for.</summary>
public sealed class DeliveryFaultDrawTests
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromMilliseconds(200);

    [Fact]
    public void The_same_seed_makes_the_same_decisions()
    {
        var ids = Enumerable.Range(0, 200).Select(_ => Guid.NewGuid()).ToList();

        var first = Decisions(new DeliveryFaults(0.2, 0.3, MaxDelay, seed: 9), ids);
        var second = Decisions(new DeliveryFaults(0.2, 0.3, MaxDelay, seed: 9), ids);

        Assert.Equal(first, second);
        Assert.Contains(first, d => d.Duplicate);
        Assert.Contains(first, d => d.Delay > TimeSpan.Zero);
        Assert.Contains(first, d => !d.Duplicate && d.Delay == TimeSpan.Zero);
    }

    [Fact]
    public void A_message_is_duplicated_once_at_most_however_often_it_comes_back()
    {
        var faults = new DeliveryFaults(duplicateRate: 1, delayRate: 0, MaxDelay, seed: 1);
        var id = Guid.NewGuid();

        var decisions = Decisions(faults, [id, id, id]);

        Assert.Equal([true, false, false], decisions.Select(d => d.Duplicate));
        Assert.Equal(1, faults.Injected[DeliveryFaultKind.Duplicated]);
    }

    [Fact]
    public void Delays_stay_within_the_maximum_and_are_counted()
    {
        var faults = new DeliveryFaults(duplicateRate: 0, delayRate: 1, MaxDelay, seed: 2);

        var decisions = Decisions(faults, [.. Enumerable.Range(0, 50).Select(_ => Guid.NewGuid())]);

        Assert.All(decisions, d => Assert.InRange(d.Delay, TimeSpan.Zero, MaxDelay));
        Assert.Equal(decisions.Count(d => d.Delay > TimeSpan.Zero), faults.Injected[DeliveryFaultKind.Delayed]);
        Assert.False(faults.Injected.ContainsKey(DeliveryFaultKind.Duplicated));
    }

    [Fact]
    public void Disabled_it_lets_every_message_through_untouched()
    {
        var faults = new DeliveryFaults(duplicateRate: 1, delayRate: 1, MaxDelay, seed: 3) { Enabled = false };

        var decisions = Decisions(faults, [Guid.NewGuid(), Guid.NewGuid()]);

        Assert.All(decisions, d => Assert.Equal((false, TimeSpan.Zero), d));
        Assert.Equal(0, faults.TotalInjected);
    }

    private static List<(bool Duplicate, TimeSpan Delay)> Decisions(DeliveryFaults faults, IEnumerable<Guid> ids) =>
        [.. ids.Select(id => faults.Draw(id))];
}
