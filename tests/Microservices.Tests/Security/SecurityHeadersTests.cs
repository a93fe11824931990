using Catalog.Api;
using Microservices.ServiceDefaults;

namespace Microservices.Tests.Security;

/// <summary>
/// The headers of every answer, on the Catalog service run as it runs in production: built by its own
/// <see cref="ServiceApp"/> on Kestrel (<see cref="KestrelService"/>; the in-memory test server would hide the Server header).
/// </summary>
public sealed class SecurityHeadersTests(DynamoDbLocalFixture dynamo) : IAsyncLifetime
{
    private KestrelService _service = null!;
    private HttpClient _http = null!;

    public async ValueTask InitializeAsync()
    {
        _service = await KestrelService.StartAsync<CatalogService>(await dynamo.CreateTablesAsync("headers"));
        _http = _service.Client();
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _service.DisposeAsync();
    }

    [Theory]
    [InlineData("/health", HttpStatusCode.OK)]
    [InlineData("/authors?limit=1", HttpStatusCode.OK)]
    [InlineData("/authors/not-an-id", HttpStatusCode.NotFound)]
    [InlineData("/authors?limit=0", HttpStatusCode.BadRequest)]
    public async Task Every_answer_says_nosniff_no_referrer_no_store_and_a_policy_that_allows_nothing_and_names_no_server(string path, HttpStatusCode status)
    {
        using var response = await _http.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.True(response.Headers.CacheControl?.NoStore, $"{path}: Cache-Control {response.Headers.CacheControl}");
        Assert.Equal(SecurityHeaders.ApiPolicy, Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
        Assert.False(response.Headers.Contains("Server"), $"{path}: Server {string.Join(",", response.Headers.Server)}");
    }

    [Fact]
    public async Task The_api_page_gets_a_policy_of_its_own_origin_and_health_answers_only_get_and_head()
    {
        using var page = await _http.GetAsync("/scalar/", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(SecurityHeaders.PagePolicy, Assert.Single(page.Headers.GetValues("Content-Security-Policy")));

        using var head = await _http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/health"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        foreach (var method in new[] { HttpMethod.Post, HttpMethod.Delete, HttpMethod.Put })
        {
            using var refused = await _http.SendAsync(new HttpRequestMessage(method, "/health"), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.MethodNotAllowed, refused.StatusCode);
        }
    }
}
