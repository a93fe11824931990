namespace Microservices.Faults;

/// <summary>
/// Faults a process injects into itself, switched on by configuration ("Faults" section, or Faults__DynamoDbRate=0.05
/// and so on in the environment), so the soak can fault the workers and the relay it runs as separate processes. All
/// rates are 0 by default: nothing is injected unless asked for.
/// </summary>
public sealed class FaultInjectionOptions
{
    public const string Section = "Faults";

    /// <summary>The fraction of DynamoDB and DynamoDB Streams requests answered with throttling or a 500.</summary>
    public double DynamoDbRate { get; set; }

    /// <summary>The fraction of consumed messages delivered a second time.</summary>
    public double DuplicateRate { get; set; }

    /// <summary>The fraction of consumed messages held back so that later ones overtake them.</summary>
    public double DelayRate { get; set; }

    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Seeds every draw; the soak gives each process, and each restart of it, its own.</summary>
    public int Seed { get; set; }

    /// <summary>Where to keep the counts of injected faults, rewritten every half second, for the soak's report.</summary>
    public string? CountsFile { get; set; }

    public bool InjectsDelivery => DuplicateRate > 0 || DelayRate > 0;
}
