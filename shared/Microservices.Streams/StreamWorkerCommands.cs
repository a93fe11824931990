using System.Globalization;
using Microservices.Streams.Lambda;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microservices.Streams;

/// <summary>Marks a stream consumer registered in a host, so its commands can find it by name.</summary>
public sealed record StreamConsumerRegistration(string Name);

/// <summary>Which job a worker's process was started for; the host's configuration may differ by job.</summary>
public enum StreamWorkerCommand
{
    /// <summary>No verb: run the worker, reading the stream.</summary>
    Run,

    /// <summary>
    /// No verb, started by Lambda as a custom runtime (<see cref="LambdaRuntimeClient.ApiVariable"/> is set): take
    /// the stream's batches from the Lambda Runtime API instead of reading the stream.
    /// </summary>
    Lambda,

    /// <summary><c>handle &lt;event.json&gt;</c>: run the handler once on a Lambda DynamoDB stream event file.</summary>
    Handle,

    /// <summary><c>dead-letters list</c>.</summary>
    ListDeadLetters,

    /// <summary><c>dead-letters replay</c>.</summary>
    ReplayDeadLetters,
}

/// <summary>
/// The command line of a worker that hosts stream consumers. Without a verb it runs the worker, or, when Lambda
/// started it as a custom runtime (<c>AWS_LAMBDA_RUNTIME_API</c> is set), builds the same host with every consumer
/// idle and runs the handler on Lambda's invocations (<see cref="LambdaRuntimeLoop"/>). With a verb it builds the
/// same host with every consumer idle and:
/// <c>handle &lt;event.json&gt;</c> runs the handler on a Lambda DynamoDB stream event and prints Lambda's response;
/// <c>dead-letters list</c> prints the dead letters; <c>dead-letters replay</c> hands them back to the handler.
/// Every other argument (--Section:Key=value) is host configuration, as are environment variables.
/// Exit codes: 0 done, 1 the handler failed records, 2 the command could not run (bad arguments, an unreadable file).
/// </summary>
public static class StreamWorkerCommands
{
    public const int Succeeded = 0;
    public const int RecordsFailed = 1;
    public const int CannotRun = 2;

    private const string Usage = """
        Usage:
          (no verb) [--Section:Key=value ...]                     run the worker; with AWS_LAMBDA_RUNTIME_API set, run the
                                                                  handler as a Lambda function (LambdaRuntime:Consumer NAME)
          handle <event.json> [--consumer NAME]                   run the handler on a Lambda DynamoDB stream event file
          dead-letters list [--consumer NAME] [--json]            list the dead letters (--json: the whole records)
          dead-letters replay [--consumer NAME] [--sequence-number N]
                                                                  hand the dead letters back to the handler
        --consumer is needed only when the worker has several consumers. Exit codes: 0 done, 1 records failed, 2 cannot run.
        """;

    /// <param name="configure">Builds the worker's host; it is told which command the host is for.</param>
    public static async Task<int> RunAsync(string[] args, Action<HostApplicationBuilder, StreamWorkerCommand> configure)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(configure);
        if (!CommandLine.TryParse(args, out var line, out var problem))
        {
            await Console.Error.WriteLineAsync($"{problem} Run with --help for usage.");
            return CannotRun;
        }

        if (line.Help)
        {
            Console.WriteLine(Usage);
            return Succeeded;
        }

        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        var cancellationToken = stop.Token;

        if (line.Command == StreamWorkerCommand.Run && Environment.GetEnvironmentVariable(LambdaRuntimeClient.ApiVariable) is { Length: > 0 } api)
        {
            return await RunLambdaAsync(line with { Command = StreamWorkerCommand.Lambda }, api, configure, cancellationToken);
        }

        switch (line.Command)
        {
            case StreamWorkerCommand.Handle:
                return await HandleAsync(line, configure, cancellationToken);
            case StreamWorkerCommand.ListDeadLetters:
                return await WithConsumerAsync(line, configure, async (consumer, _, _) =>
                {
                    var count = 0;
                    await foreach (var deadLetter in consumer.DeadLetters.ListAsync(consumer.Options.ConsumerName, cancellationToken))
                    {
                        count++;
                        Console.WriteLine(line.Json
                            ? LambdaJson.Serialize(deadLetter.Record)
                            : string.Create(CultureInfo.InvariantCulture, $"{deadLetter.ShardId}  {deadLetter.SequenceNumber}  {deadLetter.Record.EventName}  {deadLetter.Reason} after {deadLetter.Attempts} attempt(s) at {deadLetter.FailedAt:O}: {deadLetter.Error}"));
                    }

                    await Console.Error.WriteLineAsync($"{count} dead letter(s) for {consumer.Options.ConsumerName}.");
                    return Succeeded;
                }, cancellationToken);
            case StreamWorkerCommand.ReplayDeadLetters:
                return await WithConsumerAsync(line, configure, async (consumer, handler, _) =>
                {
                    var only = line.SequenceNumber;
                    var result = await DeadLetterReplay.ReplayAsync(
                        consumer.DeadLetters, handler, consumer.Options.ConsumerName, cancellationToken, only is null ? null : d => d.SequenceNumber == only);
                    Console.WriteLine($"Replayed {result.Replayed}; still failing {result.StillFailing}.");
                    return result.StillFailing == 0 ? Succeeded : RecordsFailed;
                }, cancellationToken);
            default:
                var builder = Host.CreateApplicationBuilder(line.HostArguments);
                configure(builder, StreamWorkerCommand.Run);
                await builder.Build().RunAsync(cancellationToken);
                return Succeeded;
        }
    }

    private static async Task<int> HandleAsync(
        CommandLine line, Action<HostApplicationBuilder, StreamWorkerCommand> configure, CancellationToken cancellationToken)
    {
        // The file is read before any host is built, so a bad file costs nothing and says only what is wrong with it.
        if (await ReadEventAsync(line.EventFile!, cancellationToken) is not { } streamEvent)
        {
            return CannotRun;
        }

        return await WithConsumerAsync(line, configure, async (_, handler, _) =>
        {
            var response = await handler.HandleAsync(streamEvent, cancellationToken);
            Console.WriteLine(LambdaJson.Serialize(response));
            return response.BatchItemFailures.Count == 0 ? Succeeded : RecordsFailed;
        }, cancellationToken);
    }

    /// <summary>
    /// The Lambda function: the host the worker builds for <see cref="StreamWorkerCommand.Lambda"/>, every consumer
    /// idle, and its consumer's handler on each invocation until the host is told to stop (SIGTERM) or Ctrl+C. A host
    /// that cannot start is posted to init/error and exits with <see cref="CannotRun"/>.
    /// </summary>
    private static async Task<int> RunLambdaAsync(
        CommandLine line, string api, Action<HostApplicationBuilder, StreamWorkerCommand> configure, CancellationToken cancellationToken)
    {
        using var runtime = new LambdaRuntimeClient(api);
        return await WithConsumerAsync(line, configure, async (_, handler, services) =>
        {
            var lifetime = services.GetRequiredService<IHostApplicationLifetime>();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
            var loop = new LambdaRuntimeLoop(
                runtime,
                handler,
                services.GetRequiredService<IOptions<LambdaRuntimeOptions>>().Value,
                services.GetRequiredService<ILoggerFactory>().CreateLogger<LambdaRuntimeLoop>());
            await loop.RunAsync(stop.Token);
            return Succeeded;
        }, cancellationToken, async problem =>
        {
            await Console.Error.WriteLineAsync($"The function cannot start: {problem}");
            await runtime.ReportInitErrorAsync(new LambdaError(problem, InitErrorType), CancellationToken.None);
        });
    }

    /// <summary>The error type posted to init/error when the host cannot start.</summary>
    public const string InitErrorType = "HostCannotStart";

    /// <summary>The event in the file, or null after one line on standard error saying why it cannot be read.</summary>
    internal static async Task<DynamoDbEvent?> ReadEventAsync(string path, CancellationToken cancellationToken)
    {
        string? problem;
        try
        {
            (var streamEvent, problem) = DynamoDbEvent.Read(await File.ReadAllBytesAsync(path, cancellationToken));
            if (streamEvent is not null)
            {
                return streamEvent;
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            problem = exception.Message;
        }

        await Console.Error.WriteLineAsync($"Cannot read the event file {path}: {OneLine(problem!)}");
        return null;
    }

    private static async Task<int> WithConsumerAsync(
        CommandLine line,
        Action<HostApplicationBuilder, StreamWorkerCommand> configure,
        Func<StreamConsumer, IDynamoDbStreamHandler, IServiceProvider, Task<int>> run,
        CancellationToken cancellationToken,
        Func<string, Task>? cannotStart = null)
    {
        // A command reports why it cannot run on standard error, and a host that fails to build or start throws;
        // the Lambda function instead reports both through cannotStart (init/error).
        cannotStart ??= problem => Console.Error.WriteLineAsync(problem);
        var lambda = line.Command == StreamWorkerCommand.Lambda;
        IHost host;
        string? name;
        try
        {
            var builder = Host.CreateApplicationBuilder(line.HostArguments);
            if (!lambda)
            {
                // Printed output is the command's answer; logs go to standard error.
                builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
                builder.Configuration.AddInMemoryCollection([new("Logging:LogLevel:Default", "Warning")]);
            }

            configure(builder, line.Command);
            builder.Services.PostConfigureAll<StreamConsumerOptions>(o => o.Enabled = false);
            builder.Services.AddOptions<LambdaRuntimeOptions>().BindConfiguration(LambdaRuntimeOptions.Section);
            host = builder.Build();
            var registered = host.Services.GetServices<StreamConsumerRegistration>().Select(r => r.Name).ToList();
            var named = line.Consumer ?? (lambda ? host.Services.GetRequiredService<IOptions<LambdaRuntimeOptions>>().Value.Consumer : null);
            name = named ?? (registered.Count == 1 ? registered[0] : null);
            if (name is null || !registered.Contains(name))
            {
                host.Dispose();
                await cannotStart(named is null
                    ? $"Name a consumer with {(lambda ? $"{LambdaRuntimeOptions.Section}:{nameof(LambdaRuntimeOptions.Consumer)}" : "--consumer")}: one of {string.Join(", ", registered)}."
                    : $"No consumer is named {named}; name one of {string.Join(", ", registered)}.");
                return CannotRun;
            }
        }
        catch (Exception exception) when (lambda)
        {
            await cannotStart(OneLine($"{exception.GetType().Name}: {exception.Message}"));
            return CannotRun;
        }

        using var _ = host;
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch (Exception exception) when (lambda && exception is not OperationCanceledException)
        {
            await cannotStart(OneLine($"{exception.GetType().Name}: {exception.Message}"));
            return CannotRun;
        }

        try
        {
            return await run(
                host.Services.GetRequiredKeyedService<StreamConsumer>(name),
                host.Services.GetRequiredKeyedService<IDynamoDbStreamHandler>(name),
                host.Services);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries));

    /// <summary>
    /// The verb and its options; every other argument goes to the host's configuration, which takes both
    /// <c>--Key=value</c> and <c>--Key value</c>, so a <c>--Key</c> without '=' keeps the token after it.
    /// </summary>
    internal sealed record CommandLine(
        StreamWorkerCommand Command, string? EventFile, string? Consumer, bool Json, string? SequenceNumber, bool Help, string[] HostArguments)
    {
        public static bool TryParse(string[] args, out CommandLine line, out string problem)
        {
            line = new CommandLine(StreamWorkerCommand.Run, null, null, false, null, false, []);
            problem = "";
            var positional = new List<string>();
            var host = new List<string>();
            string? consumer = null;
            string? sequence = null;
            var json = false;
            var help = false;
            for (var i = 0; i < args.Length; i++)
            {
                var (name, inline) = Split(args[i]);
                switch (name)
                {
                    case "--help" or "-h" or "-?":
                        help = true;
                        break;
                    case "--json":
                        json = true;
                        break;
                    case "--consumer" or "--sequence-number":
                        var value = inline ?? (i + 1 < args.Length ? args[++i] : null);
                        if (string.IsNullOrWhiteSpace(value))
                        {
                            problem = $"{name} needs a value.";
                            return false;
                        }

                        if (name == "--consumer")
                        {
                            consumer = value;
                        }
                        else
                        {
                            sequence = value;
                        }

                        break;
                    case not null when name.StartsWith('-'):
                        host.Add(args[i]);
                        if (inline is null && i + 1 < args.Length && !args[i + 1].StartsWith('-'))
                        {
                            host.Add(args[++i]);
                        }

                        break;
                    default:
                        positional.Add(args[i]);
                        break;
                }
            }

            StreamWorkerCommand command;
            string? file = null;
            switch (positional)
            {
                case []:
                    command = StreamWorkerCommand.Run;
                    break;
                case ["handle", var path]:
                    command = StreamWorkerCommand.Handle;
                    file = path;
                    break;
                case ["handle"]:
                    problem = "handle needs the path of a Lambda DynamoDB stream event file.";
                    return help && Helped(out line);
                case ["dead-letters", "list"]:
                    command = StreamWorkerCommand.ListDeadLetters;
                    break;
                case ["dead-letters", "replay"]:
                    command = StreamWorkerCommand.ReplayDeadLetters;
                    break;
                default:
                    problem = $"Unknown command '{string.Join(' ', positional)}'.";
                    return help && Helped(out line);
            }

            if ((json && command != StreamWorkerCommand.ListDeadLetters) || (sequence is not null && command != StreamWorkerCommand.ReplayDeadLetters))
            {
                problem = json ? "--json belongs to dead-letters list." : "--sequence-number belongs to dead-letters replay.";
                return help && Helped(out line);
            }

            line = new CommandLine(command, file, consumer, json, sequence, help, [.. host]);
            return true;
        }

        private static bool Helped(out CommandLine line)
        {
            line = new CommandLine(StreamWorkerCommand.Run, null, null, false, null, true, []);
            return true;
        }

        private static (string? Name, string? Inline) Split(string argument)
        {
            if (!argument.StartsWith('-'))
            {
                return (null, null);
            }

            var equals = argument.IndexOf('=', StringComparison.Ordinal);
            return equals < 0 ? (argument, null) : (argument[..equals], argument[(equals + 1)..]);
        }
    }
}
