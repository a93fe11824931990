using Microservices.Migrations;
using Microservices.Schema.Migrations;

namespace Clients.Api.Features;

public sealed record FindClientsByEmail(string? Email) : IQuery<IReadOnlyList<ClientSummary>>, IValidatable
{
    public void Validate(Validation validation) => validation.Email(Email);
}

/// <summary>
/// Clients by email, the access pattern migration 1 added to live data: one Query on GSI2 (GSI2PK =
/// CLIENTEMAIL#{email}, lower-cased). Until the migration is applied the index may be missing or incomplete, so the
/// route answers 503 rather than a list that could leave clients out.
/// </summary>
public sealed class FindClientsByEmailHandler(IAmazonDynamoDB dynamo, IOptions<DynamoDbOptions> options, MigrationStates migrations)
    : IQueryHandler<FindClientsByEmail, IReadOnlyList<ClientSummary>>
{
    public async ValueTask<IReadOnlyList<ClientSummary>> Handle(FindClientsByEmail query, CancellationToken cancellationToken)
    {
        if (!await migrations.AppliedAsync(ClientsByEmail.Number, cancellationToken))
        {
            var state = (await migrations.RecordAsync(ClientsByEmail.Number, cancellationToken))?.State.ToString() ?? "not started";
            throw new NotReadyException($"Clients by email need migration {ClientsByEmail.Number} (clients-by-email), which is {state} on this table: run 'ops migrate up'.");
        }

        return await ClientLookup.QueryAsync(dynamo, options.Value.TableName, TableSchema.Gsi2, Attributes.GSI2PK, Keys.ClientEmailIndexKey(query.Email!), cancellationToken);
    }
}

public static class FindClientsByEmailEndpoint
{
    public static void MapFindClientsByEmail(this RouteGroupBuilder clients) =>
        clients.MapGet("/by-email", async (string? email, IMediator mediator, CancellationToken cancellationToken) =>
                TypedResults.Ok(await mediator.Send(new FindClientsByEmail(email), cancellationToken)))
            .WithName("FindClientsByEmail")
            .RequireStaff()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
}
