using Microservices.ServiceDefaults;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;

namespace Microservices.Tests.Infrastructure;

/// <summary>
/// One real HTTP service in memory, on a test's own tables in DynamoDB Local: any <see cref="IServiceModule"/>, built by
/// its own Program. Its DynamoDB client reports every request it sends to <see cref="Requests"/>.
/// </summary>
public sealed class ServiceApi<TService>(DynamoDbOptions tables) : WebApplicationFactory<TService>
    where TService : class, IServiceModule
{
    private DynamoRequests? _requests;

    public DynamoDbOptions Tables { get; } = tables;

    /// <summary>Every request the service's own DynamoDB client sends, from the first use of this property on.</summary>
    public DynamoRequests Requests => _requests ??= DynamoRequests.Watch(Services);

    /// <summary>A new client of the service, that asserts each answer's status.</summary>
    public ApiClient Client() => new(CreateClient());

    /// <summary>Every client of the service, however created, sends a staff token unless the test sets another (<see cref="TestTokens.As"/>).</summary>
    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        client.As(TestTokens.Staff);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder) =>
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(Settings.Of(Tables)));
}
