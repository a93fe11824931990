using System.Reflection;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microservices.Schema;

namespace Microservices.Tests.Infrastructure;

/// <summary>
/// Broken on purpose: a worker's DynamoDB client that drops the version guard (the condition expression) from every
/// put of one copy item type, so a copy built from an older read of its sources overwrites a newer one. To make that
/// race happen on cue it can hold the next such put for a while, as a slow network or a GC pause would, while a newer
/// write overtakes it. With <see cref="KeepGuard"/> it only holds, and the guard refuses the late write.
/// </summary>
public class UnguardedCopyWrites : DispatchProxy
{
    private IAmazonDynamoDB _inner = null!;
    private string _itemType = "";
    private int _holdNext;
    private readonly TaskCompletionSource _holding = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool KeepGuard { get; private set; }

    public TimeSpan HoldFor { get; private set; }

    /// <summary>Completes when the held put has been read from its sources and is waiting.</summary>
    public Task Holding => _holding.Task;

    /// <summary>Completes when the held put has reached DynamoDB, whether it was written or refused.</summary>
    public Task Released => _released.Task;

    public static (IAmazonDynamoDB Client, UnguardedCopyWrites Sabotage) Wrap(
        IAmazonDynamoDB inner, string copyItemType, TimeSpan holdFor, bool keepGuard = false)
    {
        var client = Create<IAmazonDynamoDB, UnguardedCopyWrites>();
        var sabotage = (UnguardedCopyWrites)(object)client;
        (sabotage._inner, sabotage._itemType, sabotage.HoldFor, sabotage.KeepGuard) = (inner, copyItemType, holdFor, keepGuard);
        return (client, sabotage);
    }

    /// <summary>The next put of the copy type waits <see cref="HoldFor"/> before it is sent.</summary>
    public void HoldNextWrite() => Volatile.Write(ref _holdNext, 1);

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (targetMethod.Name == nameof(IAmazonDynamoDB.PutItemAsync) && args is [PutItemRequest put, CancellationToken cancellationToken]
            && put.Item.GetValueOrDefault(Attributes.ItemType)?.S == _itemType)
        {
            return PutAsync(put, cancellationToken);
        }

        try
        {
            return targetMethod.Invoke(_inner, args);
        }
        catch (TargetInvocationException wrapped) when (wrapped.InnerException is not null)
        {
            throw wrapped.InnerException;
        }
    }

    private async Task<PutItemResponse> PutAsync(PutItemRequest put, CancellationToken cancellationToken)
    {
        if (!KeepGuard)
        {
            put.ConditionExpression = null;
            put.ExpressionAttributeValues = null;
        }

        if (Interlocked.Exchange(ref _holdNext, 0) != 1)
        {
            return await _inner.PutItemAsync(put, cancellationToken);
        }

        _holding.TrySetResult();
        await Task.Delay(HoldFor, cancellationToken);
        try
        {
            return await _inner.PutItemAsync(put, cancellationToken);
        }
        finally
        {
            _released.TrySetResult();
        }
    }
}
