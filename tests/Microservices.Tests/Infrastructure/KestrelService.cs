using Microservices.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Microservices.Tests.Infrastructure;

/// <summary>
/// One service run as in production: built by its own <see cref="ServiceApp"/> on Kestrel over loopback, for what the
/// in-memory test server hides (the Server header, chunked bodies, Kestrel's own limits, a browser).
/// </summary>
public sealed class KestrelService : IAsyncDisposable
{
    private readonly WebApplication _app;

    private KestrelService(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    /// <param name="settings">Settings over the test run's own (<see cref="Settings.Of"/>), as key/values.</param>
    public static async Task<KestrelService> StartAsync<TService>(DynamoDbOptions tables, IReadOnlyDictionary<string, string>? settings = null)
        where TService : IServiceModule
    {
        var all = Settings.Of(tables);
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            all[key] = value;
        }

        var app = ServiceApp.Build<TService>([.. all.Select(s => $"--{s.Key}={s.Value}"), "--Urls=http://127.0.0.1:0"]);
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new KestrelService(app, new Uri(address));
    }

    /// <summary>A new client of the service, sending <paramref name="token"/> (a staff token unless told otherwise).</summary>
    public HttpClient Client(string? token = null) => new HttpClient { BaseAddress = Address }.As(token ?? TestTokens.Staff);

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
