using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microservices.Schema;
using Microservices.SingleTable;
using Microsoft.Extensions.Options;
using Orders.Domain;

namespace Orders.Worker;

/// <summary>
/// Keeps the client's name and email on each of the client's orders equal to the client item. A write is an update
/// of the order's copy attributes only, refused when the order already holds a copy from a client version at least
/// as new: a late or repeated message cannot regress it. A refused write needs no retry: what is stored came from a
/// client state at least as new as the one being written.
/// </summary>
public sealed class ClientCopyWriter(IAmazonDynamoDB dynamo, IOptions<DynamoDbOptions> options, OrderLayout layout, OrderReader reader)
{
    private readonly string _table = options.Value.TableName;

    private readonly int _fanOut = options.Value.FanOutConcurrency;

    /// <summary>
    /// After a client change: rewrites the copies on every order the client has now with the name, email and version
    /// the message carries (the client's details at that version, so the client is not read again),
    /// <see cref="DynamoDbOptions.FanOutConcurrency"/> orders at a time.
    /// </summary>
    public async Task RefreshClientAsync(string clientId, ClientCopy client, CancellationToken cancellationToken)
    {
        var plan = await layout.CurrentAsync(cancellationToken);
        await Parallel.ForEachAsync(
            await reader.ClientOrdersAsync(clientId, plan, including: null, cancellationToken),
            new ParallelOptions { MaxDegreeOfParallelism = _fanOut, CancellationToken = cancellationToken },
            async (order, ct) => await TryWriteAsync(clientId, order.OrderId, client, plan, ct));
    }

    /// <summary>
    /// After an order is placed: the order copied the client as the API read it, and a change of the client may have
    /// been fanned out before the order existed. Re-reading the client here closes that race.
    /// </summary>
    public async Task RefreshOrderAsync(string clientId, string orderId, CancellationToken cancellationToken)
    {
        var client = await ReadClientAsync(clientId, cancellationToken);
        if (client is not null)
        {
            await TryWriteAsync(clientId, orderId, client, await layout.CurrentAsync(cancellationToken), cancellationToken);
        }
    }

    /// <summary>
    /// The copy written on the order's head where the plan says to look first, or, when no head is there (the refusal
    /// returns nothing), in the other place: an order migration 3 moves meanwhile is found in the second.
    /// </summary>
    private async Task<bool> TryWriteAsync(string clientId, string orderId, ClientCopy client, OrderPlan plan, CancellationToken cancellationToken)
    {
        foreach (var shape in plan.Reads)
        {
            var key = OrderItems.HeadKey(clientId, orderId, shape);
            try
            {
                await dynamo.UpdateItemAsync(new UpdateItemRequest
                {
                    TableName = _table,
                    Key = new() { [Attributes.PK] = new(key.PK), [Attributes.SK] = new(key.SK) },
                    UpdateExpression = "SET ClientName = :name, ClientEmail = :email, ClientVersion = :version",
                    ConditionExpression = "attribute_exists(PK) AND (attribute_not_exists(ClientVersion) OR ClientVersion <= :version)",
                    ExpressionAttributeValues = new()
                    {
                        [":name"] = new(client.Name),
                        [":email"] = new(client.Email),
                        [":version"] = OrderItems.Number(client.Version),
                    },
                    ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
                }, cancellationToken);
                return true;
            }
            catch (ConditionalCheckFailedException refused) when (refused.Item is { Count: > 0 })
            {
                return false; // the order holds a copy from a newer client version already
            }
            catch (ConditionalCheckFailedException)
            {
                // No head here: look in the other place.
            }
        }

        return false; // no such order
    }

    private async Task<ClientCopy?> ReadClientAsync(string clientId, CancellationToken cancellationToken)
    {
        var key = Keys.Client(clientId);
        var response = await dynamo.GetItemAsync(new GetItemRequest
        {
            TableName = _table,
            Key = new() { [Attributes.PK] = new(key.PK), [Attributes.SK] = new(key.SK) },
            ConsistentRead = true,
        }, cancellationToken);
        return response.Item is { Count: > 0 } item ? OrderItems.ReadClient(item) : null;
    }
}
