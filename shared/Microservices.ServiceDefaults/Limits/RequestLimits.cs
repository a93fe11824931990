namespace Microservices.ServiceDefaults.Limits;

/// <summary>
/// What one request may cost an API (configuration section <c>Limits</c>). Every limit is checked before any handler
/// runs and answered with a ProblemDetails that names it (<see cref="LimitProblem"/>). The defaults fit every valid
/// request of the three APIs with room to spare; a host that drives the APIs hard on purpose (tests, soak,
/// benchmarks) raises the rate.
/// </summary>
public sealed class RequestLimits
{
    public const string Section = "Limits";

    /// <summary>The largest request body, in bytes (413). The largest valid order, 40 lines of 300-character titles, is under it.</summary>
    public int MaxBodyBytes { get; set; } = 128 * 1024;

    /// <summary>How deep objects and arrays may nest in a JSON body (400). The deepest valid body nests 3 levels.</summary>
    public int MaxJsonDepth { get; set; } = 16;

    /// <summary>The most items of any one JSON array in a body (400). An order's 40 lines are the longest valid array.</summary>
    public int MaxJsonArrayLength { get; set; } = 100;

    /// <summary>The bytes of all request headers' names and values together (431). Kestrel refuses, without a body, at twice this.</summary>
    public int MaxHeaderBytes { get; set; } = 16 * 1024;

    /// <summary>Requests a second one caller may keep up (the token's subject, or the address of a caller without one).</summary>
    public int RequestsPerSecond { get; set; } = 20;

    /// <summary>Requests one caller may send at once above <see cref="RequestsPerSecond"/> before the 429s start.</summary>
    public int RequestBurst { get; set; } = 100;

    internal bool IsValid() =>
        MaxBodyBytes > 0 && MaxJsonDepth > 0 && MaxJsonArrayLength > 0 && MaxHeaderBytes > 0 && RequestsPerSecond > 0 && RequestBurst > 0;
}
