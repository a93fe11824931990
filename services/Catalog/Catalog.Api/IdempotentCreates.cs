using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microservices.EventSourcing;
using Microservices.Schema;
using Microservices.ServiceDefaults;
using Microservices.SingleTable;
using Microsoft.Extensions.Options;

namespace Catalog.Api;

/// <summary>A create's <c>Idempotency-Key</c> and the fingerprint of the request it came with.</summary>
public sealed record IdempotencyKey(string Key, string RequestHash)
{
    public const string Header = "Idempotency-Key";
    public const int MaxLength = 100;

    /// <summary>Reads the header; a key that is empty, too long or not printable ASCII is a 400 naming the header.</summary>
    public static IdempotencyKey? Read(HttpRequest request, object body, Validation validation)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(validation);
        if (!request.Headers.TryGetValue(Header, out var values))
        {
            return null;
        }

        var key = values.ToString();
        validation.Require(key.Length is > 0 and <= MaxLength && key.All(c => c is >= '!' and <= '~'), Header,
            $"{Header} must be 1 to {MaxLength} printable ASCII characters without spaces.");
        var fingerprint = $"{request.Method} {request.Path}\n{JsonSerializer.Serialize(body, body.GetType())}";
        return new IdempotencyKey(key, Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(fingerprint))));
    }
}

/// <summary>
/// Idempotent creates: the first create with a key stores the key, the request's fingerprint and its response in the
/// create's own transaction (PK = IDEMPOTENCY#catalog#{key}, under attribute_not_exists). A retry with the same key and
/// request gets the first response (the same id); the same key with another request is a 409.
/// </summary>
public sealed class IdempotentCreates(IAmazonDynamoDB dynamo, IOptions<DynamoDbOptions> options)
{
    public const string Service = "catalog";

    /// <summary>The response the key was first used for, or null when it was not used yet.</summary>
    public async Task<T?> FindAsync<T>(IdempotencyKey? key, CancellationToken cancellationToken)
        where T : class
    {
        if (key is null)
        {
            return null;
        }

        var itemKey = Keys.Idempotency(Service, key.Key);
        var stored = await dynamo.GetItemAsync(new GetItemRequest
        {
            TableName = options.Value.TableName,
            Key = new() { [Attributes.PK] = new(itemKey.PK), [Attributes.SK] = new(itemKey.SK) },
            ConsistentRead = true,
        }, cancellationToken);
        if (stored.Item is not { Count: > 0 } item)
        {
            return null;
        }

        return item[Attributes.RequestHash].S == key.RequestHash
            ? JsonSerializer.Deserialize<T>(item[Attributes.Response].S)
            : throw new ConflictException($"{IdempotencyKey.Header} '{key.Key}' was already used with a different request.");
    }

    /// <summary>The idempotency item, for the create's transaction; a key taken meanwhile throws <see cref="IdempotencyKeyTakenException"/>.</summary>
    public GuardedWrite Record<T>(IdempotencyKey key, T response)
    {
        ArgumentNullException.ThrowIfNull(key);
        var itemKey = Keys.Idempotency(Service, key.Key);
        return new GuardedWrite(
            new TransactWriteItem
            {
                Put = new Put
                {
                    TableName = options.Value.TableName,
                    Item = new()
                    {
                        [Attributes.PK] = new(itemKey.PK),
                        [Attributes.SK] = new(itemKey.SK),
                        [Attributes.ItemType] = new(ItemTypes.Idempotency),
                        [Attributes.RequestHash] = new(key.RequestHash),
                        [Attributes.Response] = new(JsonSerializer.Serialize(response)),
                    },
                    ConditionExpression = "attribute_not_exists(PK)",
                },
            },
            () => new IdempotencyKeyTakenException());
    }

    /// <summary>
    /// Runs a create once per key: the stored response if the key was used, else <paramref name="create"/> with the
    /// idempotency item in its transaction; a concurrent create that took the key first wins, and its response is returned.
    /// </summary>
    public async Task<T> RunAsync<T>(IdempotencyKey? key, T response, Func<IReadOnlyList<GuardedWrite>, Task> create, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(create);
        if (await FindAsync<T>(key, cancellationToken) is { } earlier)
        {
            return earlier;
        }

        try
        {
            await create(key is null ? [] : [Record(key, response)]);
            return response;
        }
        catch (IdempotencyKeyTakenException)
        {
            return await FindAsync<T>(key, cancellationToken) ?? throw new InvalidOperationException("The idempotency item vanished.");
        }
    }
}

/// <summary>Another request stored the same Idempotency-Key first.</summary>
public sealed class IdempotencyKeyTakenException : Exception
{
    public IdempotencyKeyTakenException()
        : base("The Idempotency-Key was taken by a concurrent request.")
    {
    }

    public IdempotencyKeyTakenException(string message)
        : base(message)
    {
    }

    public IdempotencyKeyTakenException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
