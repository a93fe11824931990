using System.Globalization;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microservices.EventSourcing;
using Microservices.SingleTable;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microservices.EventSourcing;

/// <summary>The service whose creates are idempotent, and how long a create may hold its key before it counts as abandoned.</summary>
public sealed class IdempotencyOptions
{
    /// <summary>The service's name in its keys, IDEMPOTENCY#{service}#{key}: one service's keys never meet another's.</summary>
    public string Service { get; set; } = "";

    public TimeSpan InProgressTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>What a create under an Idempotency-Key ended as: its answer, and whether it is a replay of the first one.</summary>
public sealed record IdempotentResult<TResponse>(TResponse Response, bool Replayed);

/// <summary>The Idempotency-Key was first used with another request: 422, and nothing is written.</summary>
public sealed class IdempotencyKeyReusedException(string key)
    : Exception($"Idempotency-Key '{key}' was already used with a different request; use a new key for a new request.")
{
    public string Key { get; } = key;
}

/// <summary>
/// The create running under an Idempotency-Key, for <see cref="CommandRunner{TState}.Create"/> to complete the key in
/// the create's own transaction. Set by <see cref="IdempotentCreates"/> around the create, and flowing with it.
/// </summary>
public sealed class IdempotencyScope
{
    private static readonly AsyncLocal<IdempotencyScope?> Ambient = new();

    private readonly Func<object, GuardedWrite> _completion;

    private IdempotencyScope(Func<object, GuardedWrite> completion) => _completion = completion;

    public static IdempotencyScope? Current => Ambient.Value;

    public bool Completed { get; private set; }

    /// <summary>The write that completes the key with the create's answer, conditioned on this request still holding it.</summary>
    public GuardedWrite Completion(object response)
    {
        Completed = true;
        return _completion(response);
    }

    internal static async Task<T> RunAsync<T>(Func<object, GuardedWrite> completion, Func<IdempotencyScope, Task<T>> run)
    {
        var scope = new IdempotencyScope(completion);
        var outer = Ambient.Value;
        Ambient.Value = scope;
        try
        {
            return await run(scope);
        }
        finally
        {
            Ambient.Value = outer;
        }
    }
}

/// <summary>
/// Idempotent creates as the IETF Idempotency-Key draft has them, the same in every service. The first request with
/// a key puts the key's item in progress (under attribute_not_exists, or over an in-progress item whose holder gave
/// up) and runs the create, which completes the item with its answer in its own transaction. Another request with
/// the key finds the item: another request fingerprint is a 422; completed, it gets the first answer again, marked
/// as a replay; still in progress, a 409. A create that fails releases the key, so a retry runs it again.
/// </summary>
public sealed class IdempotentCreates(IAmazonDynamoDB dynamo, IOptions<DynamoDbOptions> tables, IOptions<IdempotencyOptions> options)
{
    public const string InProgress = "in-progress";
    public const string Completed = "completed";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private string Table => tables.Value.TableName;

    public async Task<IdempotentResult<TResponse>> RunAsync<TResponse>(
        string key, string requestHash, Func<Task<TResponse>> create, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(create);
        var itemKey = IdempotencyItem.Key(options.Value.Service, key);
        var token = Ids.New();
        if (!await TryTakeAsync(itemKey, requestHash, token, cancellationToken))
        {
            return new IdempotentResult<TResponse>(await FirstAnswerAsync<TResponse>(itemKey, key, requestHash, cancellationToken), Replayed: true);
        }

        try
        {
            var response = await IdempotencyScope.RunAsync(response => Complete(itemKey, key, token, response), async scope =>
            {
                var response = await create();
                if (!scope.Completed)
                {
                    // A create that appended nothing: complete the key on its own.
                    var completion = Complete(itemKey, key, token, response!);
                    await dynamo.TransactWriteItemsAsync(new TransactWriteItemsRequest { TransactItems = [completion.Item] }, cancellationToken);
                }

                return response;
            });
            return new IdempotentResult<TResponse>(response, Replayed: false);
        }
        catch
        {
            await ReleaseAsync(itemKey, token);
            throw;
        }
    }

    private async Task<bool> TryTakeAsync(ItemKey itemKey, string requestHash, string token, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        try
        {
            await dynamo.PutItemAsync(new PutItemRequest
            {
                TableName = Table,
                Item = new()
                {
                    [TableLayout.PK] = new(itemKey.PK),
                    [TableLayout.SK] = new(itemKey.SK),
                    [TableLayout.ItemType] = new(IdempotencyItem.ItemType),
                    [IdempotencyItem.RequestHash] = new(requestHash),
                    [IdempotencyItem.State] = new(InProgress),
                    [IdempotencyItem.LockToken] = new(token),
                    [IdempotencyItem.LockedUntil] = new(Time(now + options.Value.InProgressTimeout)),
                    [IdempotencyItem.RecordedAt] = new(Time(now)),
                },
                ConditionExpression = "attribute_not_exists(PK) OR (#state = :inProgress AND #until < :now)",
                ExpressionAttributeNames = new() { ["#state"] = IdempotencyItem.State, ["#until"] = IdempotencyItem.LockedUntil },
                ExpressionAttributeValues = new() { [":inProgress"] = new(InProgress), [":now"] = new(Time(now)) },
            }, cancellationToken);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    private async Task<TResponse> FirstAnswerAsync<TResponse>(ItemKey itemKey, string key, string requestHash, CancellationToken cancellationToken)
    {
        var stored = await dynamo.GetItemAsync(new GetItemRequest
        {
            TableName = Table,
            Key = new() { [TableLayout.PK] = new(itemKey.PK), [TableLayout.SK] = new(itemKey.SK) },
            ConsistentRead = true,
        }, cancellationToken);
        if (stored.Item is not { Count: > 0 } item || item[IdempotencyItem.State].S != Completed)
        {
            // Gone meanwhile means its holder failed and released it just now: as good as in progress for this caller.
            throw new ConflictException($"A request with Idempotency-Key '{key}' is still in progress; retry it later.");
        }

        return item[IdempotencyItem.RequestHash].S != requestHash
            ? throw new IdempotencyKeyReusedException(key)
            : JsonSerializer.Deserialize<TResponse>(item[IdempotencyItem.Response].S, Json)!;
    }

    private GuardedWrite Complete(ItemKey itemKey, string key, string token, object response) => new(
        new TransactWriteItem
        {
            Update = new Update
            {
                TableName = Table,
                Key = new() { [TableLayout.PK] = new(itemKey.PK), [TableLayout.SK] = new(itemKey.SK) },
                UpdateExpression = "SET #state = :completed, #response = :response REMOVE #token, #until",
                ConditionExpression = "#token = :token",
                ExpressionAttributeNames = new()
                {
                    ["#state"] = IdempotencyItem.State,
                    ["#response"] = IdempotencyItem.Response,
                    ["#token"] = IdempotencyItem.LockToken,
                    ["#until"] = IdempotencyItem.LockedUntil,
                },
                ExpressionAttributeValues = new()
                {
                    [":completed"] = new(Completed),
                    [":response"] = new(JsonSerializer.Serialize(response, response.GetType(), Json)),
                    [":token"] = new(token),
                },
            },
        },
        () => new ConflictException($"The request with Idempotency-Key '{key}' outlived its hold on the key; retry it."));

    private async Task ReleaseAsync(ItemKey itemKey, string token)
    {
        try
        {
            await dynamo.DeleteItemAsync(new DeleteItemRequest
            {
                TableName = Table,
                Key = new() { [TableLayout.PK] = new(itemKey.PK), [TableLayout.SK] = new(itemKey.SK) },
                ConditionExpression = "#token = :token",
                ExpressionAttributeNames = new() { ["#token"] = IdempotencyItem.LockToken },
                ExpressionAttributeValues = new() { [":token"] = new(token) },
            }, CancellationToken.None);
        }
        catch (ConditionalCheckFailedException)
        {
            // Completed, or taken over after it was abandoned: not ours to release.
        }
    }

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
}

public static class IdempotentCreatesServiceCollectionExtensions
{
    public static IServiceCollection AddIdempotentCreates(this IServiceCollection services, string service)
    {
        services.AddOptions<IdempotencyOptions>().Configure(o => o.Service = service);
        return services.AddSingleton<IdempotentCreates>();
    }
}
