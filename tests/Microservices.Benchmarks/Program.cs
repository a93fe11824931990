using System.CommandLine;

namespace Microservices.Benchmarks;

/// <summary>Measurements that take time and a warm server; they are kept out of the test suite on purpose.</summary>
internal static class BenchmarkProgram
{
    public static async Task<int> Main(string[] args)
    {
        var records = new Option<int>("--records") { Description = "Records written up front for the throughput run.", DefaultValueFactory = _ => 5000 };
        var seconds = new Option<int>("--load-seconds") { Description = "How long the writers run in the lag-under-load run.", DefaultValueFactory = _ => 20 };
        var streamConsumer = new Command("stream-consumer", "Records per second through one consumer, and lag from commit to handler at rest and under load.")
        {
            records,
            seconds,
        };
        streamConsumer.SetAction((parse, cancellationToken) =>
            StreamConsumerBenchmark.RunAsync(parse.GetValue(records), TimeSpan.FromSeconds(parse.GetValue(seconds)), cancellationToken));

        return await new RootCommand("Benchmarks against DynamoDB Local.") { streamConsumer }.Parse(args).InvokeAsync();
    }
}
