using System.Collections.Concurrent;
using System.Reflection;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Microservices.Tests.Infrastructure;

/// <summary>
/// A real DynamoDB client behind a proxy that records every request a service sends (by operation name), and can
/// run a step just before a TransactWriteItems goes out, to put another writer's change between a service's reads
/// and its write. Nothing is faked: every call reaches DynamoDB Local.
/// </summary>
public class DynamoDbSpy : DispatchProxy
{
    private readonly ConcurrentQueue<string> _requests = new();
    private IAmazonDynamoDB _inner = null!;
    private Func<Task>? _before;

    public IReadOnlyList<string> Requests => [.. _requests];

    public static (IAmazonDynamoDB Client, DynamoDbSpy Spy) Wrap(IAmazonDynamoDB inner)
    {
        var client = Create<IAmazonDynamoDB, DynamoDbSpy>();
        var spy = (DynamoDbSpy)(object)client;
        spy._inner = inner;
        return (client, spy);
    }

    public void Clear() => _requests.Clear();

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (targetMethod.Name.EndsWith("Async", StringComparison.Ordinal))
        {
            _requests.Enqueue(targetMethod.Name[..^"Async".Length]);
        }

        if (targetMethod.Name == nameof(IAmazonDynamoDB.TransactWriteItemsAsync) && Interlocked.Exchange(ref _before, null) is { } before)
        {
            return BeforeThenTransact(before, (TransactWriteItemsRequest)args![0]!, (CancellationToken)args[1]!);
        }

        try
        {
            return targetMethod.Invoke(_inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
    }

    /// <summary>Runs <paramref name="step"/> once, before the next TransactWriteItems is sent.</summary>
    public void ArmBeforeNextTransaction(Func<Task> step) => _before = step;

    private async Task<TransactWriteItemsResponse> BeforeThenTransact(Func<Task> before, TransactWriteItemsRequest request, CancellationToken cancellationToken)
    {
        await before();
        return await _inner.TransactWriteItemsAsync(request, cancellationToken);
    }
}
