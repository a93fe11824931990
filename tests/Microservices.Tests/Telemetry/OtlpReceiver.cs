using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Microservices.Tests.Telemetry;

/// <summary>
/// A stand-in OTLP/HTTP collector on a free local port: it answers every export with 200 and remembers the paths
/// it was sent, which is enough to see that the exporter is wired and sends where configured.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<string> _paths = new();

    private OtlpReceiver(WebApplication app) => _app = app;

    /// <summary>The bound address, known once started: the port is picked by the OS so parallel runs never clash.</summary>
    public Uri Endpoint => new(_app.Urls.Single());

    public IReadOnlyCollection<string> Paths => [.. _paths];

    public static async Task<OtlpReceiver> StartAsync()
    {
        var app = WebApplication.CreateSlimBuilder().Build();
        app.Urls.Add("http://127.0.0.1:0");
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/{signal}", (HttpRequest request) =>
        {
            receiver._paths.Enqueue(request.Path);
            return Results.Ok();
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        return receiver;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
