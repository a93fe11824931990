using Clients.Api;
using Microservices.SingleTable;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;

namespace Microservices.Tests.Infrastructure;

/// <summary>
/// The real Clients service in memory, on its own tables in DynamoDB Local. Its DynamoDB client reports every request
/// it sends to <see cref="Requests"/>, so a test can show that a lookup is one request.
/// </summary>
public sealed class ClientsApi(DynamoDbOptions tables) : WebApplicationFactory<ClientsService>
{
    public DynamoDbOptions Tables { get; } = tables;

    private DynamoRequests? _requests;

    /// <summary>Every request the service's own DynamoDB client sends, from the first use of this property on.</summary>
    public DynamoRequests Requests => _requests ??= DynamoRequests.Watch(Services);

    protected override void ConfigureWebHost(IWebHostBuilder builder) =>
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(Settings.Of(Tables)));
}
