using System.Net.Http.Headers;
using System.Text;
using Catalog.Api;
using Microservices.ServiceDefaults.Limits;
using Microsoft.Extensions.Options;

namespace Microservices.Tests.Security;

/// <summary>
/// What one request may cost, on the Catalog service on Kestrel (chunked bodies and Kestrel's own header limit are
/// real there): each limit refused with a ProblemDetails naming it, before anything is written, and the rate per caller.
/// </summary>
public sealed class RequestLimitsTests(DynamoDbLocalFixture dynamo) : IAsyncLifetime
{
    private const int MaxBodyBytes = 4096;
    private DynamoDbOptions _tables = null!;
    private KestrelService _service = null!;
    private HttpClient _http = null!;

    public async ValueTask InitializeAsync()
    {
        _tables = await dynamo.CreateTablesAsync("limits");
        // A small body limit, so that a valid body can be near it; depth, arrays and headers at their defaults.
        _service = await KestrelService.StartAsync<CatalogService>(_tables, new Dictionary<string, string> { ["Limits:MaxBodyBytes"] = $"{MaxBodyBytes}" });
        _http = _service.Client();
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _service.DisposeAsync();
    }

    [Fact]
    public async Task A_body_over_the_limit_is_a_413_naming_it_whether_its_length_is_declared_or_not_and_nothing_is_written()
    {
        var name = new string('a', CatalogRules.MaxNameLength);
        var padding = new string(' ', MaxBodyBytes);
        var body = $"{{\"name\": \"{name}\"{padding}}}";

        using var declared = await _http.PostAsync("/authors", new StringContent(body, Encoding.UTF8, "application/json"), Cancel);
        var problem = await LimitAsync(declared, HttpStatusCode.RequestEntityTooLarge, nameof(RequestLimits.MaxBodyBytes), MaxBodyBytes);
        Assert.Equal(Encoding.UTF8.GetByteCount(body), problem["actual"]!.GetValue<long>());

        // Chunked: no length to refuse unread, so the body is read until it passes the limit.
        var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body)));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/authors") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        using var undeclared = await _http.SendAsync(request, Cancel);
        problem = await LimitAsync(undeclared, HttpStatusCode.RequestEntityTooLarge, nameof(RequestLimits.MaxBodyBytes), MaxBodyBytes);
        Assert.Null(problem["actual"]);

        Assert.Empty(await TableItems.OfTypeAsync(_tables, ItemTypes.Author));

        // The same name in a body inside the limit, chunked too, is read as any other.
        var small = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes($"{{\"name\": \"{name}\"}}")));
        small.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var inside = new HttpRequestMessage(HttpMethod.Post, "/authors") { Content = small };
        inside.Headers.TransferEncodingChunked = true;
        using var created = await _http.SendAsync(inside, Cancel);
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync(Cancel));
    }

    [Theory]
    [InlineData(16, true)]      // {"name": …, "tags": [[…]]}: the object and 16 arrays are 17 levels, one over the limit
    [InlineData(15, false)]     // 16 levels: inside it, so the serializer reads the body and says tags is not a field
    public async Task A_body_nested_deeper_than_the_limit_is_a_400_naming_it_before_the_serializer_reads_it(int arrays, bool over)
    {
        var json = $"{{\"name\": \"Tove\", \"tags\": {new string('[', arrays)}{new string(']', arrays)}}}";

        using var response = await _http.PostAsync("/authors", new StringContent(json, Encoding.UTF8, "application/json"), Cancel);

        if (over)
        {
            await LimitAsync(response, HttpStatusCode.BadRequest, nameof(RequestLimits.MaxJsonDepth), new RequestLimits().MaxJsonDepth);
        }
        else
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(["tags"], ApiClient.ErrorFields(JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancel))!));
        }
    }

    [Fact]
    public async Task An_array_longer_than_the_limit_is_a_400_naming_the_limit_and_the_array()
    {
        var maximum = new RequestLimits().MaxJsonArrayLength;
        var json = $"{{\"name\": \"Tove\", \"tags\": [{string.Join(',', Enumerable.Repeat("[1]", maximum + 1))}]}}";

        using var response = await _http.PostAsync("/authors", new StringContent(json, Encoding.UTF8, "application/json"), Cancel);

        var problem = await LimitAsync(response, HttpStatusCode.BadRequest, nameof(RequestLimits.MaxJsonArrayLength), maximum);
        Assert.Contains("tags", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(await TableItems.OfTypeAsync(_tables, ItemTypes.Author));
    }

    [Fact]
    public async Task Headers_over_the_limit_are_a_431_naming_it_and_kestrel_refuses_twice_the_limit_on_its_own()
    {
        var maximum = new RequestLimits().MaxHeaderBytes;

        using var over = new HttpRequestMessage(HttpMethod.Get, "/authors?limit=1");
        over.Headers.Add("X-Padding", new string('a', maximum));
        using var refused = await _http.SendAsync(over, Cancel);
        await LimitAsync(refused, HttpStatusCode.RequestHeaderFieldsTooLarge, nameof(RequestLimits.MaxHeaderBytes), maximum);

        using var far = new HttpRequestMessage(HttpMethod.Get, "/authors?limit=1");
        far.Headers.Add("X-Padding", new string('a', 2 * maximum + 1));
        using var backstop = await _http.SendAsync(far, Cancel);
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, backstop.StatusCode);

        using var inside = new HttpRequestMessage(HttpMethod.Get, "/authors?limit=1");
        inside.Headers.Add("X-Padding", new string('a', maximum / 2));
        using var read = await _http.SendAsync(inside, Cancel);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    [Fact]
    public async Task A_caller_past_its_burst_gets_429s_with_retry_after_while_another_caller_and_health_are_answered()
    {
        const int burst = 3;
        await using var limited = await KestrelService.StartAsync<CatalogService>(_tables, new Dictionary<string, string>
        {
            ["Limits:RequestBurst"] = $"{burst}",
            ["Limits:RequestsPerSecond"] = "1",
        });
        using var staff = limited.Client();

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? tooMany = null;
        for (var i = 0; i < 10; i++)
        {
            var response = await staff.GetAsync("/authors?limit=1", Cancel);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                tooMany ??= response;
            }
        }

        // The bucket gains one request a second: ten requests in well under a few seconds meet at least five 429s.
        Assert.All(statuses.Take(burst), status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.True(statuses.Count(s => s == HttpStatusCode.TooManyRequests) >= 5, string.Join(",", statuses));
        Assert.True(tooMany!.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After {tooMany.Headers.RetryAfter}");
        await LimitAsync(tooMany, HttpStatusCode.TooManyRequests, nameof(RequestLimits.RequestsPerSecond), 1);

        // Another caller has a bucket of its own; health checks have none.
        using var client = limited.Client(TestTokens.Client(Ids.New()));
        using var others = await client.GetAsync($"/authors?limit=1", Cancel);
        Assert.Equal(HttpStatusCode.OK, others.StatusCode);
        for (var i = 0; i < 10; i++)
        {
            using var health = await staff.GetAsync("/health", Cancel);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }
    }

    [Fact]
    public async Task A_limit_that_is_not_positive_stops_the_service_at_start_naming_the_section()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            KestrelService.StartAsync<CatalogService>(_tables, new Dictionary<string, string> { ["Limits:MaxBodyBytes"] = "0" }));

        Assert.Contains("Limits", failure.Message, StringComparison.Ordinal);
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<JsonNode> LimitAsync(HttpResponseMessage response, HttpStatusCode status, string limit, long maximum)
    {
        var body = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.StatusCode == status, $"{response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(body)!;
        Assert.Equal((int)status, problem["status"]!.GetValue<int>());
        Assert.Equal(limit, problem["limit"]!.GetValue<string>());
        Assert.Equal(maximum, problem["maximum"]!.GetValue<long>());
        Assert.Contains(limit, problem["title"]!.GetValue<string>(), StringComparison.Ordinal);
        return problem;
    }
}
