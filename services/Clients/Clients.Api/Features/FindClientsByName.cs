namespace Clients.Api.Features;

public sealed record ClientSummary(string ClientId, string Name, string Email, IReadOnlyDictionary<string, string> Phones, long Version);

public sealed record FindClientsByName(string? Name) : IQuery<IReadOnlyList<ClientSummary>>, IValidatable
{
    public void Validate(Validation validation) => validation.ClientName(Name);
}

/// <summary>
/// The article's lookup: "Malin Persson" returns every client of exactly that name with all their details, numbers
/// included, from one Query on GSI1 (GSI1PK = CLIENTNAME#{name}, the name encoded so '#' cannot reach another key).
/// </summary>
public sealed class FindClientsByNameHandler(IAmazonDynamoDB dynamo, IOptions<DynamoDbOptions> options)
    : IQueryHandler<FindClientsByName, IReadOnlyList<ClientSummary>>
{
    public ValueTask<IReadOnlyList<ClientSummary>> Handle(FindClientsByName query, CancellationToken cancellationToken) =>
        ClientLookup.QueryAsync(dynamo, options.Value.TableName, TableSchema.Gsi1, Attributes.GSI1PK, Keys.ClientNameIndexKey(query.Name!), cancellationToken);
}

/// <summary>Clients by one key of an index (their name on GSI1, their email on GSI2): one Query, every client with their numbers.</summary>
internal static class ClientLookup
{
    public static async ValueTask<IReadOnlyList<ClientSummary>> QueryAsync(
        IAmazonDynamoDB dynamo, string table, string index, string keyAttribute, string key, CancellationToken cancellationToken) =>
        await dynamo.QueryAllAsync(new QueryRequest
            {
                TableName = table,
                IndexName = index,
                KeyConditionExpression = $"{keyAttribute} = :key",
                ExpressionAttributeValues = new() { [":key"] = new(key) },
            }, cancellationToken)
            .Select(ClientsItems.ReadClient)
            .Select(c => new ClientSummary(c.ClientId, c.Name, c.Email, c.Phones, c.Version))
            .ToListAsync(cancellationToken);
}

public static class FindClientsByNameEndpoint
{
    public static void MapFindClientsByName(this RouteGroupBuilder clients) =>
        clients.MapGet("", async (string? name, IMediator mediator, CancellationToken cancellationToken) =>
                TypedResults.Ok(await mediator.Send(new FindClientsByName(name), cancellationToken)))
            .WithName("FindClientsByName")
            .RequireStaff();
}
