namespace Clients.Api.Features;

public sealed record ClientPhonesView(string ClientId, IReadOnlyDictionary<string, string> Phones);

public sealed record FilterPhones(string ClientId, string? Contains, Caller Caller) : IQuery<ClientPhonesView>, IValidatable
{
    public void Validate(Validation validation) => validation.PhoneDigits(Contains);
}

/// <summary>
/// The article's caveat made visible: numbers are not in the key, so they can only be filtered after the read. One
/// Query reads the client item and its FilterExpression drops it unless one of its numbers holds the digits; DynamoDB
/// cannot look into a map's values without naming their keys, so the filter reads PhoneNumbers, the map's numbers
/// written with it in the same item. The read is paid for either way, and ScannedCount tells a client whose numbers
/// did not match (an empty map) from a client that does not exist (404), with no second request.
/// </summary>
public sealed class FilterPhonesHandler(IAmazonDynamoDB dynamo, IOptions<DynamoDbOptions> options) : IQueryHandler<FilterPhones, ClientPhonesView>
{
    public async ValueTask<ClientPhonesView> Handle(FilterPhones query, CancellationToken cancellationToken)
    {
        // The client's own item is the one read: another client's id is a 404 before it is read.
        query.Caller.RequireOwner(query.ClientId, "Client", query.ClientId);
        var key = Keys.Client(query.ClientId);
        var result = await dynamo.QueryAsync(new QueryRequest
        {
            TableName = options.Value.TableName,
            KeyConditionExpression = "PK = :pk AND SK = :sk",
            FilterExpression = "contains(#numbers, :digits)",
            ExpressionAttributeNames = new() { ["#numbers"] = Attributes.PhoneNumbers },
            ExpressionAttributeValues = new()
            {
                [":pk"] = new(key.PK),
                [":sk"] = new(key.SK),
                [":digits"] = new(query.Contains!),
            },
            ConsistentRead = true,
        }, cancellationToken);

        if (result.Items is [var item, ..])
        {
            var matching = ClientsItems.ReadPhones(item)
                .Where(p => p.Value.Contains(query.Contains!, StringComparison.Ordinal))
                .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
            return new ClientPhonesView(query.ClientId, matching);
        }

        return result.ScannedCount is > 0
            ? new ClientPhonesView(query.ClientId, new Dictionary<string, string>())
            : throw new NotFoundException("Client", query.ClientId);
    }
}

public static class FilterPhonesEndpoint
{
    public static void MapFilterPhones(this RouteGroupBuilder phones) =>
        phones.MapGet("", async (string clientId, string? contains, Caller caller, IMediator mediator, CancellationToken cancellationToken) =>
                TypedResults.Ok(await mediator.Send(new FilterPhones(Ids.Require(clientId, "Client"), contains, caller), cancellationToken)))
            .WithName("FilterPhones")
            .ProducesProblem(StatusCodes.Status404NotFound);
}
