using Microservices.Tests.Clients;

namespace Microservices.Tests.Orders;

/// <summary>
/// The clients Orders reads, made the way they are made in production: through the real Clients API on the same
/// tables, so their items, events and recorded contracts are the Clients service's own, and the relay publishes their
/// changes to the Orders worker.
/// </summary>
public sealed class ClientSource(DynamoDbOptions tables) : IAsyncDisposable
{
    private readonly ClientsApi _api = new(tables);
    private ApiClient? _http;

    private ApiClient Http => _http ??= _api.Client();

    public async Task<string> RegisterAsync(string name, string email) => (await Http.RegisterAsync(name, email)).ClientId;

    /// <summary>Changes the client's name and email; the new version.</summary>
    public async Task<long> ChangeDetailsAsync(string clientId, string name, string email, long expectedVersion) =>
        (await Http.SendAsync(HttpMethod.Put, $"/clients/{clientId}/details", new { name, email, expectedVersion }, HttpStatusCode.OK))["version"]!.GetValue<long>();

    /// <summary>The Clients service's own services (what it knows of the table's migrations, say).</summary>
    public IServiceProvider Services => _api.Services;

    public ValueTask DisposeAsync() => _api.DisposeAsync();
}
