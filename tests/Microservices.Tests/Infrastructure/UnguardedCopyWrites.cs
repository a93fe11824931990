using System.Reflection;
using Amazon.DynamoDBv2;

namespace Microservices.Tests.Infrastructure;

/// <summary>
/// Broken on purpose: a worker's DynamoDB client that drops the version guard (the condition expression) from every
/// put of one copy item type, so a copy built from an older read of its sources overwrites a newer one. To make that
/// race happen on cue it holds the next such put, as a slow network or a GC pause would, until a newer put of the
/// same item has landed, and only then sends it. With <see cref="KeepGuard"/> it only holds, and the guard refuses
/// the late write.
/// </summary>
public class UnguardedCopyWrites : DispatchProxy
{
    private IAmazonDynamoDB _inner = null!;
    private string _itemType = "";
    private TimeSpan _overtakeTimeout;
    private int _holdNext;
    private string? _heldKey;
    private bool _overtaken;
    private readonly TaskCompletionSource _holding = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _landed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool KeepGuard { get; private set; }

    /// <summary>Completes when the held put has been read from its sources and is waiting.</summary>
    public Task Holding => _holding.Task;

    /// <summary>Completes when the held put has reached DynamoDB, whether it was written or refused.</summary>
    public Task Released => _released.Task;

    /// <summary>
    /// Whether the race happened: a newer put of the held item was accepted by DynamoDB before the held put was sent.
    /// False if none came within the overtake timeout and the held put was sent anyway.
    /// </summary>
    public bool Overtaken => Volatile.Read(ref _overtaken);

    /// <param name="overtakeTimeout">How long the held put waits for a newer one before it is sent anyway (30 s by default).</param>
    public static (IAmazonDynamoDB Client, UnguardedCopyWrites Sabotage) Wrap(
        IAmazonDynamoDB inner, string copyItemType, bool keepGuard = false, TimeSpan? overtakeTimeout = null)
    {
        var client = Create<IAmazonDynamoDB, UnguardedCopyWrites>();
        var sabotage = (UnguardedCopyWrites)(object)client;
        (sabotage._inner, sabotage._itemType, sabotage.KeepGuard) = (inner, copyItemType, keepGuard);
        sabotage._overtakeTimeout = overtakeTimeout ?? TimeSpan.FromSeconds(30);
        return (client, sabotage);
    }

    /// <summary>The next put of the copy type is held until a newer put of the same item has landed.</summary>
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

        var key = KeyOf(put);
        if (Interlocked.Exchange(ref _holdNext, 0) != 1)
        {
            var response = await _inner.PutItemAsync(put, cancellationToken);
            // Only a put DynamoDB accepted overtakes: one its guard refused wrote nothing.
            if (key == Volatile.Read(ref _heldKey))
            {
                _landed.TrySetResult();
            }

            return response;
        }

        Volatile.Write(ref _heldKey, key);
        _holding.TrySetResult();
        try
        {
            await _landed.Task.WaitAsync(_overtakeTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Sent without having been overtaken: Overtaken stays false, and the test says the race did not happen.
        }

        Volatile.Write(ref _overtaken, _landed.Task.IsCompleted);
        try
        {
            return await _inner.PutItemAsync(put, cancellationToken);
        }
        finally
        {
            _released.TrySetResult();
        }
    }

    private static string KeyOf(PutItemRequest put) =>
        $"{put.Item.GetValueOrDefault(Attributes.PK)?.S}\n{put.Item.GetValueOrDefault(Attributes.SK)?.S}";
}
