using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Microservices.Migrations;

/// <summary>
/// One runner per table at a time: a lease item beside the history (SK = RUNNER) that names its owner and when it
/// runs out. A runner takes it only when it is free or has run out, renews it a third of the way through, and stops
/// its run if a renewal finds someone else's name. A second runner is refused at once, told whose lease it is and
/// when it runs out; a killed runner's lease runs out and the next runner resumes its work. The clocks of two
/// runners' hosts must agree to well within the lease's length (30 s by default).
/// </summary>
public sealed class RunnerLease : IAsyncDisposable
{
    private readonly IAmazonDynamoDB _dynamo;
    private readonly MigrationHistory _history;
    private readonly TimeSpan _length;
    private readonly CancellationTokenSource _lost = new();
    private Task? _renewing;

    private RunnerLease(IAmazonDynamoDB dynamo, MigrationHistory history, string owner, TimeSpan length)
    {
        _dynamo = dynamo;
        _history = history;
        Owner = owner;
        _length = length;
    }

    public string Owner { get; }

    /// <summary>Cancelled when a renewal finds the lease taken: the run must stop.</summary>
    public CancellationToken Lost => _lost.Token;

    public static async Task<RunnerLease> TakeAsync(IAmazonDynamoDB dynamo, MigrationHistory history, string owner, TimeSpan length, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dynamo);
        ArgumentNullException.ThrowIfNull(history);
        var lease = new RunnerLease(dynamo, history, owner, length);
        if (!await lease.TryWriteAsync("attribute_not_exists(PK) OR ExpiresAt < :now OR #owner = :owner", cancellationToken))
        {
            var held = await dynamo.GetItemAsync(new GetItemRequest { TableName = history.LeaseTable, Key = history.Key(MigrationHistory.RunnerSortKey), ConsistentRead = true }, cancellationToken);
            var holder = held.Item?.GetValueOrDefault("Owner")?.S ?? "another runner";
            var expires = held.Item?.GetValueOrDefault("ExpiresAt")?.N is { } n ? DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(n, CultureInfo.InvariantCulture)) : DateTimeOffset.UtcNow;
            throw new MigrationRefusedException(
                $"Another runner ({holder}) is migrating {history.Table}; its lease runs out in {Math.Max(0, (expires - DateTimeOffset.UtcNow).TotalSeconds):N0} s unless it renews it. One runner at a time.");
        }

        lease._renewing = lease.RenewAsync();
        return lease;
    }

    public async ValueTask DisposeAsync()
    {
        await _lost.CancelAsync();
        if (_renewing is not null)
        {
            await _renewing;
        }

        try
        {
            await _dynamo.DeleteItemAsync(new DeleteItemRequest
            {
                TableName = _history.LeaseTable,
                Key = _history.Key(MigrationHistory.RunnerSortKey),
                ConditionExpression = "#owner = :owner",
                ExpressionAttributeNames = new() { ["#owner"] = "Owner" },
                ExpressionAttributeValues = new() { [":owner"] = new(Owner) },
            });
        }
        catch (ConditionalCheckFailedException)
        {
            // Someone else holds it now: theirs to release.
        }

        _lost.Dispose();
    }

    private async Task RenewAsync()
    {
        try
        {
            while (true)
            {
                await Task.Delay(_length / 3, _lost.Token);
                if (!await TryWriteAsync("#owner = :owner", _lost.Token))
                {
                    await _lost.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (AmazonDynamoDBException)
        {
            // An unrenewed lease runs out: the run must not go on as if it held it.
            await _lost.CancelAsync();
        }
    }

    private async Task<bool> TryWriteAsync(string condition, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var item = _history.Key(MigrationHistory.RunnerSortKey);
        item["Owner"] = new(Owner);
        item["ExpiresAt"] = MigrationHistory.Number((now + _length).ToUnixTimeMilliseconds());
        try
        {
            await _dynamo.PutItemAsync(new PutItemRequest
            {
                TableName = _history.LeaseTable,
                Item = item,
                ConditionExpression = condition,
                ExpressionAttributeNames = new() { ["#owner"] = "Owner" },
                ExpressionAttributeValues = condition.Contains(":now", StringComparison.Ordinal)
                    ? new() { [":now"] = MigrationHistory.Number(now.ToUnixTimeMilliseconds()), [":owner"] = new(Owner) }
                    : new() { [":owner"] = new(Owner) },
            }, cancellationToken);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }
}
