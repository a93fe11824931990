using Clients.Api;

namespace Microservices.Tests.Ops;

/// <summary>
/// <c>ops token</c> as a user runs it: the tokens it prints are accepted by a service given the same development key,
/// a staff token as staff and a client's as that client; without the key, or with contradicting options, it refuses.
/// </summary>
public sealed class TokenCommandTests(DynamoDbLocalFixture dynamo) : ApiTest<ClientsService>(dynamo, "token-command")
{
    [Fact]
    public async Task A_staff_token_from_the_signing_key_option_is_staff_to_the_service()
    {
        var token = await TokenAsync(["--staff", "--signing-key", TestTokens.SigningKey, "--hours", "1"]);

        using var http = Api.CreateClient().As(token);
        using var staffOnly = await http.GetAsync("/clients?name=Malin", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, staffOnly.StatusCode);
    }

    [Fact]
    public async Task A_client_token_from_the_environment_key_is_that_client_and_not_staff()
    {
        var clientId = (await Http.SendAsync(HttpMethod.Post, "/clients", new { name = "Malin Persson", email = "malin@example.se" }, HttpStatusCode.Created))["clientId"]!.GetValue<string>();
        var token = await TokenAsync(["--client", clientId], new Dictionary<string, string?> { ["Auth:SigningKey"] = TestTokens.SigningKey });

        using var http = Api.CreateClient().As(token);
        using var own = await http.GetAsync($"/clients/{clientId}", TestContext.Current.CancellationToken);
        using var staffOnly = await http.GetAsync("/clients?name=Malin", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, staffOnly.StatusCode);
    }

    [Theory]
    [InlineData("--staff")]                                       // no key
    [InlineData("--staff", "--client", "x", "--signing-key", "k")] // both
    [InlineData("--signing-key", "k")]                           // neither
    [InlineData("--staff", "--signing-key", "k", "--hours", "0")]
    public async Task Without_a_key_or_with_contradicting_options_it_exits_2_saying_what_to_give(params string[] arguments)
    {
        var (exitCode, output, error) = await WorkerProcess.RunCommandAsync(["token", .. arguments], new Dictionary<string, string?> { ["Auth:SigningKey"] = null }, "ops.dll");

        Assert.Equal(2, exitCode);
        Assert.Empty(output.Trim());
        Assert.Contains("signing key", error, StringComparison.Ordinal);
    }

    private static async Task<string> TokenAsync(string[] arguments, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var (exitCode, output, error) = await WorkerProcess.RunCommandAsync(["token", .. arguments], settings ?? new Dictionary<string, string?>(), "ops.dll");
        Assert.True(exitCode == 0, error);
        return output.Trim();
    }
}
