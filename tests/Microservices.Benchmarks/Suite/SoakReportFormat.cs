using System.Text.Json.Nodes;

namespace Microservices.Benchmarks.Suite;

/// <summary>
/// What benchmark 6 assumes of <c>ops soak</c>: its options and where its report puts the lag. In one place, so that
/// a change to the soak's command line or report is one change here.
/// </summary>
public static class SoakReportFormat
{
    public const string ReportFile = "soak-report.json";

    /// <summary>The lag figures in the report, as JSON paths from its root.</summary>
    public static readonly string[] LagP50 = ["lag", "p50Milliseconds"];

    public static readonly string[] LagP99 = ["lag", "p99Milliseconds"];

    /// <summary>The option the open-loop soak is told its arrival rate with (commands per second).</summary>
    public const string RateOption = "--rate";

    public static IReadOnlyList<string> Arguments(double rate, int commands, string directory, string rabbitHost, int rabbitPort, string rabbitNode) =>
    [
        "soak", RateOption, rate.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture), "--no-faults",
        "--commands", commands.ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", directory,
        "--rabbitmq-host", rabbitHost, "--rabbitmq-port", rabbitPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--rabbitmq-node", rabbitNode,
    ];

    public static double? Read(JsonNode report, string[] path)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(path);
        JsonNode? node = report;
        foreach (var part in path)
        {
            node = node?[part];
        }

        return node?.GetValue<double>();
    }
}
