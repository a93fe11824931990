using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Microservices.Streams.Lambda;

/// <summary>
/// A stream handler run as a Lambda function of a custom runtime: it takes each invocation from the Runtime API,
/// reads it as a <see cref="DynamoDbEvent"/>, hands it to the handler with a token that fires
/// <see cref="LambdaRuntimeOptions.DeadlineMargin"/> before the invocation's deadline, and posts the handler's
/// <see cref="StreamsEventResponse"/> (its batchItemFailures) as the response. An event that is not a stream event,
/// a handler that throws and a handler cancelled at the deadline are posted as invocation errors, on which Lambda
/// retries or bisects the batch as its event source mapping says; the loop then goes on with the next invocation.
/// </summary>
public sealed class LambdaRuntimeLoop(
    LambdaRuntimeClient runtime, IDynamoDbStreamHandler handler, LambdaRuntimeOptions options, ILogger logger, TimeProvider? time = null)
{
    /// <summary>The error type of an invocation whose event is not a DynamoDB stream event.</summary>
    public const string MalformedEventErrorType = "MalformedStreamEvent";

    /// <summary>The error type of an invocation whose handler was cancelled because its deadline was near.</summary>
    public const string DeadlineNearErrorType = "DeadlineNear";

    /// <summary>The error type of an invocation left unanswered because the process is stopping.</summary>
    public const string StoppingErrorType = "Stopping";

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>Takes invocations until <paramref name="stop"/> fires (on SIGTERM, for one), then returns.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            LambdaInvocation invocation;
            try
            {
                invocation = await runtime.NextAsync(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }

            await InvokeAsync(invocation, stop);
        }
    }

    /// <summary>Handles one invocation and posts its response or error.</summary>
    public async Task InvokeAsync(LambdaInvocation invocation, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        // What the AWS SDK and X-Ray read for the invocation's trace; a custom runtime sets it for each one.
        Environment.SetEnvironmentVariable(LambdaInvocation.TraceIdVariable, invocation.TraceId);
        using var activity = StreamConsumerTelemetry.ActivitySource.StartActivity("lambda invocation", ActivityKind.Consumer, invocation.TraceParent());
        activity?.SetTag("faas.invocation_id", invocation.RequestId);
        activity?.SetTag("cloud.resource_id", invocation.InvokedFunctionArn);

        var (streamEvent, problem) = DynamoDbEvent.Read(invocation.Event.Span);
        if (streamEvent is null)
        {
            await ReportAsync(invocation, new LambdaError($"The invocation is not a DynamoDB stream event: {problem}", MalformedEventErrorType));
            return;
        }

        var handlerTime = invocation.HandlerTime(_time.GetUtcNow(), options.DeadlineMargin) ?? Timeout.InfiniteTimeSpan;
        using var deadline = new CancellationTokenSource(handlerTime, _time);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stop, deadline.Token);
        StreamsEventResponse response;
        try
        {
            response = await handler.HandleAsync(streamEvent, cancel.Token);
        }
        catch (Exception exception) when (stop.IsCancellationRequested)
        {
            await ReportAsync(invocation, new LambdaError($"The process stopped while the handler ran: {exception.Message}", StoppingErrorType));
            return;
        }
        catch (Exception exception) when (deadline.IsCancellationRequested)
        {
            await ReportAsync(invocation, new LambdaError(
                $"The handler was cancelled {options.DeadlineMargin.TotalMilliseconds:0} ms before the invocation's deadline ({invocation.Deadline:O}): {exception.Message}",
                DeadlineNearErrorType));
            return;
        }
        catch (Exception exception)
        {
            await ReportAsync(invocation, LambdaError.From(exception));
            return;
        }

        activity?.SetTag("streams.batch_item_failures", response.BatchItemFailures.Count);
        // Posted even when the process is stopping: the work is done, and Lambda should not hand the batch out again.
        await runtime.RespondAsync(invocation.RequestId, response, CancellationToken.None);
    }

    private async Task ReportAsync(LambdaInvocation invocation, LambdaError error)
    {
        logger.LogWarning("Invocation {RequestId} failed with {ErrorType}: {ErrorMessage}", invocation.RequestId, error.ErrorType, error.ErrorMessage);
        Activity.Current?.SetStatus(ActivityStatusCode.Error, error.ErrorType);
        await runtime.ReportInvocationErrorAsync(invocation.RequestId, error, CancellationToken.None);
    }
}
