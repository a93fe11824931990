using System.Collections.Concurrent;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Clients.Api;
using Microservices.Shared.Dynamo;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Microservices.Tests.Infrastructure;

/// <summary>
/// The real Clients service in memory, on its own tables in DynamoDB Local. Its DynamoDB client reports every request
/// it sends to <see cref="Requests"/>, so a test can show that a lookup is one request.
/// </summary>
public sealed class ClientsApi(DynamoDbOptions tables) : WebApplicationFactory<ClientsApp>
{
    public DynamoDbOptions Tables { get; } = tables;

    public DynamoDbRequests Requests { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder) =>
        builder
            .ConfigureAppConfiguration(config => config.AddInMemoryCollection(Settings.Of(Tables)))
            .ConfigureTestServices(services =>
                services.AddSingleton<IAmazonDynamoDB>(_ => Requests.Watch(DynamoDbLocalFixture.CreateClient(Tables))));
}

/// <summary>The operations a DynamoDB client sent, in order ("Query", "TransactWriteItems"...), counted by the SDK's own request event.</summary>
public sealed class DynamoDbRequests
{
    private readonly ConcurrentQueue<string> _sent = new();

    public IReadOnlyList<string> Sent => [.. _sent];

    public void Clear() => _sent.Clear();

    public AmazonDynamoDBClient Watch(AmazonDynamoDBClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        client.BeforeRequestEvent += (_, e) =>
        {
            if (e is WebServiceRequestEventArgs request)
            {
                _sent.Enqueue(request.Request.GetType().Name.Replace("Request", "", StringComparison.Ordinal));
            }
        };
        return client;
    }
}
