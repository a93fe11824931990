using System.Collections.Concurrent;
using Clients.Api;
using Microservices.ServiceDefaults;
using Microsoft.Playwright;

namespace Microservices.Tests.Security;

/// <summary>
/// The API page (/scalar) in a real browser, Debian's Chromium driven by Playwright, on the Clients service on Kestrel:
/// it renders under its Content-Security-Policy with nothing refused, loads nothing from another origin, and a token
/// given on the page goes with the requests the page sends.
/// </summary>
[TakesAbout(30)]
public sealed class ApiPageBrowserTests(DynamoDbLocalFixture dynamo) : IAsyncLifetime
{
    private KestrelService _service = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async ValueTask InitializeAsync()
    {
        _service = await KestrelService.StartAsync<ClientsService>(await dynamo.CreateTablesAsync("api-page"));
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            // No sandbox as root; no calls home, which a closed network refuses and which would show as errors.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _service.DisposeAsync();
    }

    [Fact]
    public async Task The_api_page_renders_under_its_policy_from_its_own_origin_only_and_sends_the_token_it_is_given()
    {
        var page = await _browser.NewPageAsync();
        var errors = new ConcurrentQueue<string>();
        var elsewhere = new ConcurrentQueue<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error" || message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                errors.Enqueue(message.Text);
            }
        };
        page.PageError += (_, error) => errors.Enqueue(error);
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(_service.Address.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal)
                && !request.Url.StartsWith("data:", StringComparison.Ordinal) && !request.Url.StartsWith("blob:", StringComparison.Ordinal))
            {
                elsewhere.Enqueue(request.Url);
            }
        };

        var response = await page.GotoAsync(new Uri(_service.Address, "/scalar/").ToString(), new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });

        Assert.Equal(200, response!.Status);
        Assert.Equal(SecurityHeaders.PagePolicy, await response.HeaderValueAsync("content-security-policy"));
        await page.GetByText("/clients/by-email").First.WaitForAsync(new LocatorWaitForOptions { Timeout = 20_000 });
        Assert.Empty(errors);

        // A token typed into the page's Authentication field goes with the request its API client sends.
        await page.GetByPlaceholder("Token").First.FillAsync(TestTokens.Staff);
        await page.GetByRole(AriaRole.Button, new() { Name = "Test Request" }).First.ClickAsync();
        var sent = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Send" }).First.ClickAsync(),
            answer => answer.Request.Method == "POST" && answer.Url.StartsWith(new Uri(_service.Address, "/clients").ToString(), StringComparison.Ordinal));

        Assert.Equal($"Bearer {TestTokens.Staff}", await sent.Request.HeaderValueAsync("authorization"));
        // The page's example body has no name: the API read the token (not a 401) and refused the body.
        Assert.Equal(400, sent.Status);
        Assert.Empty(elsewhere);
    }
}
