using Microservices.ServiceDefaults.Auth;
using Microservices.Tests.Clients;
using Microservices.Tests.Orders;
using static Microservices.Tests.Orders.OrderCalls;

namespace Microservices.Tests.Security;

/// <summary>
/// Who may do what, on the real services: no token or a bad one is a 401; a client's token reaches only that client's
/// own data, and someone else's client, order or list answers exactly as one that does not exist (404, the same body),
/// even through a forged id or cursor; staff-only routes are a 403 for a client; staff reach everything.
/// </summary>
public sealed class AuthorizationTests(DynamoDbLocalFixture dynamo) : OrdersTest(dynamo, "authz")
{
    private static readonly string AuthorId = Ids.New();
    private ClientsApi _clientsApi = null!;
    private ApiClient _staffClients = null!;
    private string _malin = null!;
    private string _erik = null!;
    private string _erikOrder = null!;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _clientsApi = new ClientsApi(Tables);
        _staffClients = _clientsApi.Client();
        _malin = (await _staffClients.RegisterAsync("Malin Persson", "malin@example.se")).ClientId;
        _erik = (await _staffClients.RegisterAsync("Erik Lindqvist", "erik@example.se")).ClientId;
        await OrderSources.WriteBookAsync(Tables, AuthorId, "Dune", 10.00m);
        (_erikOrder, _, _) = await Http.PlaceAsync(_erik, Line(AuthorId, title: "Dune"));
        await Http.PlaceAsync(_erik, Line(AuthorId, title: "Dune"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-a-token")]
    [InlineData("expired")]
    [InlineData("other-key")]
    [InlineData("other-audience")]
    public async Task Without_a_valid_token_every_route_is_a_401_problem_and_health_and_the_openapi_document_stay_open(string? token)
    {
        var bearer = token switch
        {
            "expired" => DevelopmentTokens.Issue(TestTokens.SigningKey, _malin, ["client"], TimeSpan.FromMinutes(1), notBefore: DateTime.UtcNow.AddHours(-1)),
            "other-key" => DevelopmentTokens.Client(DevelopmentTokens.NewSigningKey(), _malin),
            "other-audience" => DevelopmentTokens.Issue(TestTokens.SigningKey, _malin, ["client"], audience: "someone-else"),
            _ => token,
        };
        var http = new ApiClient(Api.CreateClient().As(bearer));

        var problem = await http.GetAsync($"/clients/{_malin}/orders", HttpStatusCode.Unauthorized);
        Assert.Equal(401, problem["status"]!.GetValue<int>());
        await http.SendAsync(HttpMethod.Post, $"/clients/{_malin}/orders", new { lines = new[] { Line(AuthorId, title: "Dune") } }, HttpStatusCode.Unauthorized);
        using (var health = await http.Http.GetAsync("/health", TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        var document = await http.GetAsync("/openapi/v1.json");
        Assert.Equal("bearer", document["components"]!["securitySchemes"]![BearerSecurityScheme.Name]!["scheme"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_valid_token_without_a_subject_is_a_403_not_a_500()
    {
        var token = new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().CreateToken(new Microsoft.IdentityModel.Tokens.SecurityTokenDescriptor
        {
            Issuer = ApiAuthOptions.DevelopmentIssuer,
            Audience = new ApiAuthOptions().Audience,
            Claims = new Dictionary<string, object> { ["scope"] = "staff" },
            Expires = DateTime.UtcNow.AddMinutes(5),
            SigningCredentials = new Microsoft.IdentityModel.Tokens.SigningCredentials(DevelopmentTokens.SecurityKey(TestTokens.SigningKey), Microsoft.IdentityModel.Tokens.SecurityAlgorithms.HmacSha256),
        });
        var http = new ApiClient(Api.CreateClient().As(token));

        await http.GetAsync($"/clients/{_malin}/orders", HttpStatusCode.Forbidden);
        await http.GetAsync("/orders?status=placed", HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_client_reads_and_changes_only_their_own_client_and_someone_elses_answers_as_a_client_that_does_not_exist()
    {
        var malin = new ApiClient(_clientsApi.CreateClient().As(TestTokens.Client(_malin)));

        Assert.Equal("Malin Persson", (await malin.GetAsync($"/clients/{_malin}"))["name"]!.GetValue<string>());
        await malin.SendAsync(HttpMethod.Put, $"/clients/{_malin}/phones/mobile", new { number = "070-123 45 67", expectedVersion = 1 }, HttpStatusCode.OK);

        var someoneElses = await malin.GetAsync($"/clients/{_erik}", HttpStatusCode.NotFound);
        var nobodys = await malin.GetAsync($"/clients/{Ids.New()}", HttpStatusCode.NotFound);
        Assert.Equal(nobodys["title"]!.GetValue<string>(), someoneElses["title"]!.GetValue<string>());
        // A change at Erik's version or at a wrong one: the same 404, never a 409 that would tell the version.
        await malin.SendAsync(HttpMethod.Put, $"/clients/{_erik}/details", new { name = "Mallory", expectedVersion = 1 }, HttpStatusCode.NotFound);
        await malin.SendAsync(HttpMethod.Put, $"/clients/{_erik}/details", new { name = "Mallory", expectedVersion = 7 }, HttpStatusCode.NotFound);
        await malin.SendAsync(HttpMethod.Put, $"/clients/{_erik}/phones/mobile", new { number = "070-000 00 00", expectedVersion = 1 }, HttpStatusCode.NotFound);
        await malin.SendAsync(HttpMethod.Post, $"/clients/{_erik}/addresses", new { street = "S", city = "C", postalCode = "1", country = "SE", expectedVersion = 1 }, HttpStatusCode.NotFound);
        await malin.GetAsync($"/clients/{_erik}/phones?contains=070", HttpStatusCode.NotFound);
        var erik = await _staffClients.GetAsync($"/clients/{_erik}");
        Assert.Equal(("Erik Lindqvist", 1L), (erik["name"]!.GetValue<string>(), erik["version"]!.GetValue<long>()));

        // Finding clients, by name or by email, and registering one, are staff operations: 403 for a client.
        await malin.GetAsync("/clients?name=Erik%20Lindqvist", HttpStatusCode.Forbidden);
        await malin.GetAsync("/clients/by-email?email=erik@example.se", HttpStatusCode.Forbidden);
        await malin.SendAsync(HttpMethod.Post, "/clients", new { name = "Mallory", email = "m@example.se" }, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_client_places_reads_and_cancels_only_their_own_orders_and_shipping_and_lists_by_status_are_staff_only()
    {
        var malin = new ApiClient(Api.CreateClient().As(TestTokens.Client(_malin)));

        var (mine, version, _) = await malin.PlaceAsync(_malin, Line(AuthorId, title: "Dune"));
        await malin.GetAsync($"/clients/{_malin}/orders/{mine}");
        Assert.Single(ApiClient.Items(await malin.GetAsync($"/clients/{_malin}/orders")));

        // Erik's orders, through his path or through Malin's with his order id: as if there were none.
        await malin.GetAsync($"/clients/{_erik}/orders/{_erikOrder}", HttpStatusCode.NotFound);
        await malin.GetAsync($"/clients/{_malin}/orders/{_erikOrder}", HttpStatusCode.NotFound);
        await malin.GetAsync($"/clients/{_erik}/orders", HttpStatusCode.NotFound);
        await malin.SendAsync(HttpMethod.Post, $"/clients/{_erik}/orders/{_erikOrder}/cancel", new { expectedVersion = 1 }, HttpStatusCode.NotFound);
        await malin.SendAsync(HttpMethod.Post, $"/clients/{_malin}/orders/{_erikOrder}/cancel", new { expectedVersion = 1 }, HttpStatusCode.NotFound);
        await malin.SendAsync(HttpMethod.Post, $"/clients/{_erik}/orders", new { lines = new[] { Line(AuthorId, title: "Dune") } }, HttpStatusCode.NotFound);
        // Erik's list cursor, handed to Malin's list: refused as a cursor this list did not issue.
        var erikCursor = (await Http.GetAsync($"/clients/{_erik}/orders?limit=1"))["nextCursor"]!.GetValue<string>();
        var problem = await malin.GetAsync($"/clients/{_malin}/orders?cursor={erikCursor}", HttpStatusCode.BadRequest);
        Assert.Equal(["cursor"], ApiClient.ErrorFields(problem));

        await malin.SendAsync(HttpMethod.Post, $"/clients/{_malin}/orders/{mine}/ship", new { expectedVersion = version }, HttpStatusCode.Forbidden);
        await malin.GetAsync("/orders?status=placed", HttpStatusCode.Forbidden);
        await malin.SendAsync(HttpMethod.Post, $"/clients/{_malin}/orders/{mine}/cancel", new { expectedVersion = version }, HttpStatusCode.OK);

        var erikOrder = await Http.GetAsync($"/clients/{_erik}/orders/{_erikOrder}");
        Assert.Equal(("placed", 1L), (erikOrder["order"]!["status"]!.GetValue<string>(), erikOrder["order"]!["version"]!.GetValue<long>()));
        Assert.Equal(2, ApiClient.Items(await Http.GetAsync($"/clients/{_erik}/orders")).Count);
    }

    public override async ValueTask DisposeAsync()
    {
        await _clientsApi.DisposeAsync();
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
