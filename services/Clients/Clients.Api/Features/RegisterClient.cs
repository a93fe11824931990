using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Clients.Domain;
using Mediator;
using Microservices.EventSourcing;
using Microservices.Schema;
using Microservices.ServiceDefaults;
using Microservices.SingleTable;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Clients.Api.Features;

public sealed record RegisterClientBody(string? Name, string? Email, Dictionary<string, string?>? Phones);

public sealed record ClientRegisteredResponse(string ClientId, long Version);

/// <param name="Replayed">True when an earlier request with the same Idempotency-Key and body created the client.</param>
public sealed record RegisterClientResult(ClientRegisteredResponse Client, bool Replayed);

public sealed record RegisterClient(string Name, string Email, IReadOnlyDictionary<string, string> Phones, string? IdempotencyKey)
    : ICommand<RegisterClientResult>;

/// <summary>The Idempotency-Key was first used with a different request: 422, and nothing is written.</summary>
public sealed class IdempotencyKeyReusedException(string key)
    : Exception($"Idempotency-Key '{key}' was already used with a different request.");

/// <summary>
/// One transaction: the client's first event, the client item (with its name's GSI1 key) and, when the request has an
/// Idempotency-Key, the idempotency item under attribute_not_exists. A retry with the same key finds that item taken,
/// reads it, and answers with the first client if the request is the same.
/// </summary>
public sealed class RegisterClientHandler(EventStore store, IAmazonDynamoDB dynamo, IOptions<DynamoDbOptions> options)
    : ICommandHandler<RegisterClient, RegisterClientResult>
{
    public async ValueTask<RegisterClientResult> Handle(RegisterClient command, CancellationToken cancellationToken)
    {
        var table = options.Value.TableName;
        var state = Client.None(Ids.New());
        var events = Client.Register(state, command.Name, command.Email, command.Phones);
        var registered = events.Aggregate(state, Client.Apply);
        var stream = ClientsEvents.Client(state.ClientId);
        var hash = RequestHash(command);
        List<GuardedWrite> writes = [CanonicalWrite.Put(table, ClientsItems.Client(registered), stream, state.Version)];
        if (command.IdempotencyKey is { } key)
        {
            writes.Add(new GuardedWrite(
                new TransactWriteItem
                {
                    Put = new Put
                    {
                        TableName = table,
                        Item = ClientsItems.Idempotency(ClientsModule.ServiceName, key, hash, state.ClientId, registered.Version),
                        ConditionExpression = "attribute_not_exists(PK)",
                    },
                },
                () => new IdempotencyKeyTakenException()));
        }

        try
        {
            var version = await store.AppendAsync(stream, state.Version, events, writes, cancellationToken);
            return new RegisterClientResult(new ClientRegisteredResponse(state.ClientId, version), Replayed: false);
        }
        catch (IdempotencyKeyTakenException)
        {
            return await FirstResultAsync(table, command.IdempotencyKey!, hash, cancellationToken);
        }
    }

    private async Task<RegisterClientResult> FirstResultAsync(string table, string key, string hash, CancellationToken cancellationToken)
    {
        var itemKey = Keys.Idempotency(ClientsModule.ServiceName, key);
        var first = await dynamo.GetItemAsync(new GetItemRequest
        {
            TableName = table,
            Key = new() { [Attributes.PK] = new(itemKey.PK), [Attributes.SK] = new(itemKey.SK) },
            ConsistentRead = true,
        }, cancellationToken);
        var item = first.Item ?? throw new InvalidOperationException($"Idempotency item {itemKey.PK} is taken but cannot be read.");
        if (item[Attributes.RequestHash].S != hash)
        {
            throw new IdempotencyKeyReusedException(key);
        }

        var response = new ClientRegisteredResponse(item[Attributes.ResourceId].S, long.Parse(item[Attributes.Version].N, System.Globalization.CultureInfo.InvariantCulture));
        return new RegisterClientResult(response, Replayed: true);
    }

    /// <summary>The request as the service understood it, phones in key order, so equal requests hash alike however they were written.</summary>
    private static string RequestHash(RegisterClient command)
    {
        var canonical = JsonSerializer.Serialize(new
        {
            command.Name,
            command.Email,
            Phones = new SortedDictionary<string, string>(command.Phones.ToDictionary(), StringComparer.Ordinal),
        });
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    private sealed class IdempotencyKeyTakenException : Exception;
}

public static class RegisterClientEndpoint
{
    public static void MapRegisterClient(this IEndpointRouteBuilder app) =>
        app.MapPost("/clients", async Task<Results<Created<ClientRegisteredResponse>, ValidationProblem, ProblemHttpResult>> (
                RegisterClientBody body,
                [FromHeader(Name = ClientsRules.IdempotencyKeyHeader)] string? idempotencyKey,
                HttpContext http,
                IMediator mediator,
                CancellationToken cancellationToken) =>
            {
                var validation = new Validation()
                    .ClientName(body.Name)
                    .Email(body.Email)
                    .Phones(body.Phones)
                    .IdempotencyKey(idempotencyKey);
                if (!validation.IsValid)
                {
                    return TypedResults.ValidationProblem(validation.Errors);
                }

                try
                {
                    var phones = (body.Phones ?? []).ToDictionary(p => p.Key, p => p.Value!, StringComparer.Ordinal);
                    var result = await mediator.Send(new RegisterClient(body.Name!, body.Email!, phones, idempotencyKey), cancellationToken);
                    if (result.Replayed)
                    {
                        http.Response.Headers["Idempotent-Replayed"] = "true";
                    }

                    return TypedResults.Created($"/clients/{result.Client.ClientId}", result.Client);
                }
                catch (IdempotencyKeyReusedException reused)
                {
                    return TypedResults.Problem(
                        title: "Idempotency-Key reused",
                        detail: reused.Message,
                        statusCode: StatusCodes.Status422UnprocessableEntity);
                }
            })
            .WithName("RegisterClient")
            .WithTags("Clients");
}
