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
    public async ValueTask<IReadOnlyList<ClientSummary>> Handle(FindClientsByName query, CancellationToken cancellationToken)
    {
        return await dynamo.QueryAllAsync(new QueryRequest
            {
                TableName = options.Value.TableName,
                IndexName = TableSchema.Gsi1,
                KeyConditionExpression = "GSI1PK = :name",
                ExpressionAttributeValues = new() { [":name"] = new(Keys.ClientNameIndexKey(query.Name!)) },
            }, cancellationToken)
            .Select(ClientsItems.ReadClient)
            .Select(c => new ClientSummary(c.ClientId, c.Name, c.Email, c.Phones, c.Version))
            .ToListAsync(cancellationToken);
    }
}

public static class FindClientsByNameEndpoint
{
    public static void MapFindClientsByName(this RouteGroupBuilder clients) =>
        clients.MapGet("", async (string? name, IMediator mediator, CancellationToken cancellationToken) =>
                TypedResults.Ok(await mediator.Send(new FindClientsByName(name), cancellationToken)))
            .WithName("FindClientsByName");
}
