using System.Globalization;
using System.Text.Json.Nodes;
using Microservices.SingleTable;

namespace Microservices.Benchmarks.Suite;

/// <summary>
/// Where a benchmark's soak runs: its size, its work directory, its tables on DynamoDB Local, the RabbitMQ node; and
/// how long an open loop warms up before its lag is measured.
/// </summary>
public sealed record SoakTarget(
    int Commands, string Directory, DynamoDbOptions Tables, string RabbitHost, int RabbitPort, string RabbitNode, TimeSpan SettleTimeout, TimeSpan WarmUp);

/// <summary>
/// What benchmark 6 assumes of <c>ops soak</c>: its options and where its report puts the rate and the lag. In one
/// place, so that a change to the soak's command line or report is one change here.
/// </summary>
public static class SoakReportFormat
{
    public const string ReportFile = "soak-report.json";

    /// <summary>The lag figures in the report, as JSON paths from its root.</summary>
    public static readonly string[] LagP50 = ["lag", "p50Milliseconds"];

    public static readonly string[] LagP99 = ["lag", "p99Milliseconds"];

    /// <summary>Commands a second that arrived (closed loop: all of them over the load time).</summary>
    public static readonly string[] AchievedRate = ["arrivals", "achievedRate"];

    /// <summary>Open-loop arrivals held back because the in-flight cap was unanswered (the loop was then not open).</summary>
    public static readonly string[] CapWaits = ["arrivals", "capWaits"];

    /// <summary>The option the open-loop soak is told its arrival rate with (commands per second).</summary>
    public const string RateOption = "--rate";

    /// <summary>A closed loop of <paramref name="concurrency"/> in flight: what the command ceiling is measured with.</summary>
    public static IReadOnlyList<string> ClosedLoop(int concurrency, SoakTarget target) =>
        Arguments(["--concurrency", concurrency.ToString(CultureInfo.InvariantCulture)], target);

    /// <summary>An open loop at <paramref name="rate"/> arrivals a second.</summary>
    public static IReadOnlyList<string> OpenLoop(double rate, SoakTarget target) =>
        Arguments([RateOption, rate.ToString("0.##", CultureInfo.InvariantCulture), "--warm-up", target.WarmUp.ToString("c", CultureInfo.InvariantCulture)], target);

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

    private static string[] Arguments(string[] arrivals, SoakTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return
        [
            "soak", .. arrivals, "--no-faults", "--commands", target.Commands.ToString(CultureInfo.InvariantCulture), "--out", target.Directory,
            "--endpoint", target.Tables.ServiceUrl!, "--table", target.Tables.TableName, "--lease-table", target.Tables.LeaseTableName,
            "--rabbitmq-host", target.RabbitHost, "--rabbitmq-port", target.RabbitPort.ToString(CultureInfo.InvariantCulture), "--rabbitmq-node", target.RabbitNode,
            "--settle-timeout", target.SettleTimeout.ToString("c", CultureInfo.InvariantCulture),
        ];
    }
}
