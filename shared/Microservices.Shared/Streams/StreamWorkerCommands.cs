using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microservices.Shared.Lambda;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Microservices.Shared.Streams;

/// <summary>Marks a stream consumer registered in a host, so its commands can find it by name.</summary>
public sealed record StreamConsumerRegistration(string Name);

/// <summary>
/// The command line of a worker that hosts stream consumers. Without a verb it runs the worker. With one it builds
/// the same host with every consumer idle and:
/// <c>handle &lt;event.json&gt;</c> runs the handler on a Lambda DynamoDB stream event and prints Lambda's response;
/// <c>dead-letters list</c> prints the dead letters; <c>dead-letters replay</c> hands them back to the handler.
/// Settings (--DynamoDb:TableName=..., environment variables) work as for the worker itself.
/// </summary>
public static class StreamWorkerCommands
{
    public static async Task<int> RunAsync(string[] args, Action<HostApplicationBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var consumer = new Option<string?>("--consumer") { Description = "The consumer name; needed only when the worker has several." };

        var file = new Argument<FileInfo>("event") { Description = "A Lambda DynamoDB stream event (JSON)." };
        var handle = new Command("handle", "Run the handler on a stream event file and print its batchItemFailures response.") { file, consumer };
        handle.TreatUnmatchedTokensAsErrors = false;
        handle.SetAction((parse, cancellationToken) => WithHandlerAsync(parse, configure, consumer, async (host, name, handler) =>
        {
            DynamoDbEvent streamEvent;
            try
            {
                await using var json = parse.GetRequiredValue(file).OpenRead();
                streamEvent = await LambdaJson.DeserializeAsync<DynamoDbEvent>(json, cancellationToken);
            }
            catch (Exception exception) when (exception is JsonException or IOException)
            {
                await Console.Error.WriteLineAsync($"Cannot read the event file: {exception.Message}");
                return 2;
            }

            var response = await handler.HandleAsync(streamEvent, cancellationToken);
            Console.WriteLine(LambdaJson.Serialize(response));
            return response.BatchItemFailures.Count == 0 ? 0 : 1;
        }, cancellationToken));

        var asJson = new Option<bool>("--json") { Description = "Print each dead letter's whole record as Lambda JSON." };
        var list = new Command("list", "List a consumer's dead letters.") { consumer, asJson };
        list.TreatUnmatchedTokensAsErrors = false;
        list.SetAction((parse, cancellationToken) => WithHandlerAsync(parse, configure, consumer, async (host, name, _) =>
        {
            var count = 0;
            await foreach (var deadLetter in host.Services.GetRequiredService<DeadLetterStore>().ListAsync(name, cancellationToken))
            {
                count++;
                Console.WriteLine(parse.GetValue(asJson)
                    ? LambdaJson.Serialize(deadLetter.Record)
                    : string.Create(CultureInfo.InvariantCulture, $"{deadLetter.ShardId}  {deadLetter.SequenceNumber}  {deadLetter.Record.EventName}  {deadLetter.Reason} after {deadLetter.Attempts} attempt(s) at {deadLetter.FailedAt:O}: {deadLetter.Error}"));
            }

            await Console.Error.WriteLineAsync($"{count} dead letter(s) for {name}.");
            return 0;
        }, cancellationToken));

        var sequence = new Option<string?>("--sequence-number") { Description = "Replay only this record." };
        var replay = new Command("replay", "Hand the dead letters back to the handler; those it takes are removed.") { consumer, sequence };
        replay.TreatUnmatchedTokensAsErrors = false;
        replay.SetAction((parse, cancellationToken) => WithHandlerAsync(parse, configure, consumer, async (host, name, handler) =>
        {
            var only = parse.GetValue(sequence);
            var result = await DeadLetterReplay.ReplayAsync(
                host.Services.GetRequiredService<DeadLetterStore>(),
                handler,
                name,
                cancellationToken,
                only is null ? null : d => d.SequenceNumber == only);
            Console.WriteLine($"Replayed {result.Replayed}; still failing {result.StillFailing}.");
            return result.StillFailing == 0 ? 0 : 1;
        }, cancellationToken));

        var deadLetters = new Command("dead-letters", "Records the handler could not take within their retries.") { list, replay };

        var root = new RootCommand("The worker: reads the table's stream. Verbs run one job with the worker's handler instead.")
        {
            handle,
            deadLetters,
        };
        root.TreatUnmatchedTokensAsErrors = false;
        root.SetAction(async (parse, cancellationToken) =>
        {
            var builder = Host.CreateApplicationBuilder(parse.UnmatchedTokens.ToArray());
            configure(builder);
            await builder.Build().RunAsync(cancellationToken);
            return 0;
        });

        return await root.Parse(args).InvokeAsync();
    }

    private static async Task<int> WithHandlerAsync(
        ParseResult parse,
        Action<HostApplicationBuilder> configure,
        Option<string?> consumerOption,
        Func<IHost, string, IDynamoDbStreamHandler, Task<int>> run,
        CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(parse.UnmatchedTokens.ToArray());
        // Printed output is the command's answer; logs go to standard error.
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Configuration.AddInMemoryCollection([new("Logging:LogLevel:Default", "Warning")]);
        configure(builder);
        builder.Services.PostConfigureAll<StreamConsumerOptions>(o => o.Enabled = false);
        using var host = builder.Build();

        var registered = host.Services.GetServices<StreamConsumerRegistration>().Select(r => r.Name).ToList();
        var name = parse.GetValue(consumerOption) ?? (registered.Count == 1 ? registered[0] : null);
        if (name is null || !registered.Contains(name))
        {
            await Console.Error.WriteLineAsync($"Name a consumer with --consumer: one of {string.Join(", ", registered)}.");
            return 2;
        }

        await host.StartAsync(cancellationToken);
        try
        {
            return await run(host, name, host.Services.GetRequiredKeyedService<IDynamoDbStreamHandler>(name));
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }
}
