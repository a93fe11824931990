using Microservices.Streams.Lambda;

namespace Microservices.Streams;

/// <summary>
/// Hands dead letters back to the handler, one record per call in Lambda's event shape, once whatever made them
/// fail is fixed. A record the handler now takes is removed; one it still refuses stays for next time. Handlers are
/// idempotent, so replaying a record that was in fact applied is harmless.
/// </summary>
public static class DeadLetterReplay
{
    public sealed record Result(int Replayed, int StillFailing);

    public static async Task<Result> ReplayAsync(
        DeadLetterStore deadLetters,
        IDynamoDbStreamHandler handler,
        string consumer,
        CancellationToken cancellationToken,
        Func<DeadLetter, bool>? which = null)
    {
        ArgumentNullException.ThrowIfNull(deadLetters);
        ArgumentNullException.ThrowIfNull(handler);
        var replayed = 0;
        var stillFailing = 0;
        await foreach (var deadLetter in deadLetters.ListAsync(consumer, cancellationToken))
        {
            if (which is not null && !which(deadLetter))
            {
                continue;
            }

            if (await TryHandleAsync(handler, deadLetter, cancellationToken))
            {
                await deadLetters.DeleteAsync(deadLetter, cancellationToken);
                replayed++;
            }
            else
            {
                stillFailing++;
            }
        }

        return new Result(replayed, stillFailing);
    }

    private static async Task<bool> TryHandleAsync(IDynamoDbStreamHandler handler, DeadLetter deadLetter, CancellationToken cancellationToken)
    {
        try
        {
            var response = await handler.HandleAsync(new DynamoDbEvent { Records = [deadLetter.Record] }, cancellationToken);
            return response.BatchItemFailures.Count == 0;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return false;
        }
    }
}
