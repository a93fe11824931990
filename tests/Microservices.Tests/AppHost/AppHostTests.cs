using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microservices.ServiceDefaults.Auth;

namespace Microservices.Tests.AppHost;

/// <summary>
/// The one-command run as Aspire starts it (Aspire.Hosting.Testing over the real app host): DynamoDB Local and a
/// RabbitMQ node as executables, the tables from 'ops bootstrap', the three APIs, the relay and both workers as
/// processes of their own, and the dashboard. A book added through the Catalog API reaches its genre copy, and the
/// dashboard holds that command's trace from the HTTP request through the relay into the worker that wrote the copy.
/// </summary>
[TakesAbout(120)]
public sealed class AppHostTests(AppHostFixture fixture) : IClassFixture<AppHostFixture>
{
    [Fact]
    public async Task Every_resource_runs_as_its_own_process_and_the_apis_answer_with_the_tokens_of_the_run()
    {
        var model = fixture.App.Services.GetRequiredService<DistributedApplicationModel>();
        Assert.Equal(
            ["catalog-api", "catalog-worker", "clients-api", "dynamodb", "event-relay", "orders-api", "orders-worker", "rabbitmq", "tables"],
            // Aspire adds its own besides: the dashboard, and a hidden rebuilder per project.
            model.Resources.Where(r => r is ProjectResource or ExecutableResource && r.Name != "aspire-dashboard" && !r.Name.EndsWith("-rebuilder", StringComparison.Ordinal))
                .Select(r => r.Name).Order(StringComparer.Ordinal));

        // The tables were made by 'ops bootstrap', which then exited 0; nothing else started before it had.
        var tables = await fixture.App.ResourceNotifications.WaitForResourceAsync(
            "tables", e => e.Snapshot.State?.Text == KnownResourceStates.Finished, TestContext.Current.CancellationToken);
        Assert.Equal(0, tables.Snapshot.ExitCode);

        foreach (var api in new[] { "catalog-api", "clients-api", "orders-api" })
        {
            using var http = fixture.App.CreateHttpClient(api, "http");
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/health", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);
            // Every API takes the run's signing key, and only it.
            using var anonymous = await http.GetAsync(new Uri("/orders?status=placed", UriKind.Relative), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        using var orders = fixture.App.CreateHttpClient("orders-api", "http");
        orders.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DevelopmentTokens.Staff(fixture.SigningKey));
        Assert.Equal(HttpStatusCode.OK, (await orders.GetAsync(new Uri("/orders?status=placed", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task A_book_reaches_its_genre_copy_and_the_dashboard_holds_its_trace_from_the_request_into_the_worker()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var catalog = fixture.App.CreateHttpClient("catalog-api", "http");
        catalog.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DevelopmentTokens.Staff(fixture.SigningKey));
        var author = await PostAsync(catalog, "/authors", new { name = "Tove Jansson" }, cancellationToken);
        var authorId = author["authorId"]!.GetValue<string>();

        // The book's command under a trace this test starts, as a caller's own trace would reach the API. The client
        // sends it as traceparent itself: a header set by hand would be replaced whenever something in this process
        // listens to HttpClient's activities (other test classes do).
        var title = $"Comet in Moominland {Guid.NewGuid():N}";
        string traceId;
        using (var caller = new Activity("app-host-test caller"))
        {
            caller.SetParentId(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
            caller.Start();
            traceId = caller.TraceId.ToHexString();
            await PostAsync(catalog, $"/authors/{authorId}/books", new { title, genre = "children", price = 8.5m }, cancellationToken);
        }

        await Eventually.Until(
            () => catalog.GetFromJsonAsync<JsonObject>(new Uri("/genres/children/books", UriKind.Relative), cancellationToken),
            copies => copies!["items"]!.AsArray().Any(b => b!["title"]!.GetValue<string>() == title && b["authorName"]!.GetValue<string>() == "Tove Jansson"),
            TimeSpan.FromSeconds(60),
            "the book's genre copy");

        // The dashboard's telemetry API: the trace holds the request, the relay's publish and the worker's handling.
        using var dashboard = new HttpClient { BaseAddress = DashboardUrl() };
        dashboard.DefaultRequestHeaders.Add("x-api-key", fixture.DashboardKey);
        var spans = await Eventually.Until(
            async () =>
            {
                using var answer = await dashboard.GetAsync(new Uri($"/api/telemetry/traces/{traceId}", UriKind.Relative), cancellationToken);
                return new TraceSpans(answer.IsSuccessStatusCode ? Spans(await answer.Content.ReadFromJsonAsync<JsonObject>(cancellationToken)) : []);
            },
            // Each process exports in batches of its own: wait for the worker's span of the consumer that wrote the copy.
            found => found.All.Contains(("catalog-worker", "catalog-genre-copies process")),
            TimeSpan.FromSeconds(90),
            $"the trace {traceId} in the dashboard with the worker's handling");

        // Every process sends its logs and metrics there too (the stream consumer's lag and dead letters among them).
        var resources = await dashboard.GetFromJsonAsync<JsonArray>(new Uri("/api/telemetry/resources", UriKind.Relative), cancellationToken);
        foreach (var service in new[] { "catalog-api", "clients-api", "orders-api", "event-relay", "catalog-worker", "orders-worker" })
        {
            var resource = resources!.Single(r => r!["name"]!.GetValue<string>() == service)!;
            Assert.True(resource["hasLogs"]!.GetValue<bool>() && resource["hasMetrics"]!.GetValue<bool>(), $"{service}: {resource.ToJsonString()}");
        }

        Assert.Contains(("catalog-api", "POST /authors/{authorId}/books/"), spans.All);
        Assert.Contains(("catalog-api", "command AddBook"), spans.All);
        Assert.Contains(spans.All, s => s.Service == "event-relay" && s.Span.StartsWith("publish book.added", StringComparison.Ordinal));
        Assert.Contains(spans.All, s => s.Service == "catalog-worker" && s.Span == "catalog-genre-copies process");
    }

    private static async Task<JsonObject> PostAsync(HttpClient http, string path, object body, CancellationToken cancellationToken)
    {
        using var answer = await http.PostAsJsonAsync(new Uri(path, UriKind.Relative), body, cancellationToken);
        var json = await answer.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(answer.StatusCode == HttpStatusCode.Created, $"{path}: {(int)answer.StatusCode} {json}");
        return JsonNode.Parse(json)!.AsObject();
    }

    /// <summary>Where the dashboard listens: the testing builder gives it a port of its own.</summary>
    private Uri DashboardUrl()
    {
        var dashboard = fixture.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == "aspire-dashboard");
        var endpoints = dashboard.Annotations.OfType<EndpointAnnotation>().Where(e => e.UriScheme == "http" && e.AllocatedEndpoint is not null).ToList();
        Assert.True(endpoints.Count > 0, "the dashboard has no http endpoint");
        return new Uri(endpoints[0].AllocatedEndpoint!.UriString);
    }

    /// <summary>A trace's spans, printed as such when a wait for them times out.</summary>
    private sealed record TraceSpans(IReadOnlyList<(string Service, string Span)> All)
    {
        public override string ToString() => All.Count == 0 ? "no spans" : string.Join("; ", All.Select(s => $"{s.Service}: {s.Span}"));
    }

    /// <summary>Each span of an OTLP JSON answer with the service that sent it.</summary>
    private static List<(string Service, string Span)> Spans(JsonObject? otlp) =>
        [.. (otlp?["data"]?["resourceSpans"]?.AsArray() ?? []).SelectMany(resource =>
        {
            var service = resource!["resource"]!["attributes"]!.AsArray()
                .First(a => a!["key"]!.GetValue<string>() == "service.name")!["value"]!["stringValue"]!.GetValue<string>();
            return resource["scopeSpans"]!.AsArray().SelectMany(scope => scope!["spans"]!.AsArray())
                .Select(span => (service, span!["name"]!.GetValue<string>()));
        })];
}

/// <summary>The app host, started once for the class: Aspire.Hosting.Testing over the real app host.</summary>
public sealed class AppHostFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);
    public string SigningKey { get; } = DevelopmentTokens.NewSigningKey();
    public string DashboardKey { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
    public DistributedApplication App { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            [
                $"--CatalogPort={FreePort()}",
                $"--ClientsPort={FreePort()}",
                $"--OrdersPort={FreePort()}",
                $"--Auth:SigningKey={SigningKey}",
                // The dashboard's telemetry API open to this key.
                $"--AppHost:DashboardApiKey={DashboardKey}",
            ],
            (options, _) =>
            {
                options.DisableDashboard = false;
                options.AllowUnsecuredTransport = true;
            },
            cancellationToken);
        App = await builder.BuildAsync(cancellationToken);
        using var starting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        starting.CancelAfter(StartTimeout);
        await App.StartAsync(starting.Token);
        foreach (var api in new[] { "catalog-api", "clients-api", "orders-api" })
        {
            await App.ResourceNotifications.WaitForResourceHealthyAsync(api, starting.Token);
        }

        foreach (var worker in new[] { "event-relay", "catalog-worker", "orders-worker" })
        {
            await App.ResourceNotifications.WaitForResourceAsync(worker, KnownResourceStates.Running, starting.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (App is not null)
        {
            await App.DisposeAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
