using Clients.Api;

namespace Microservices.Tests.Clients;

/// <summary>
/// The Clients reads: a client's collection, the article's lookup by exact name through GSI1, and the phone filter.
/// Each is one DynamoDB request, counted at the service's own client.
/// </summary>
public sealed class ClientLookupTests(DynamoDbLocalFixture dynamo) : ApiTest<ClientsService>(dynamo, "clients-lookup")
{
    private static readonly Dictionary<string, string> MalinsPhones = new()
    {
        ["mobile"] = "070-123 45 67",
        ["home"] = "040-12 34 56",
        ["work"] = "+46 8 070 12 34",
    };

    [Fact]
    public async Task Getting_a_client_returns_the_numbers_and_every_address_from_one_query()
    {
        var (clientId, version) = await Http.RegisterAsync("Malin Persson", "malin@example.se", MalinsPhones);
        var (home, v2) = await Http.AddAddressAsync(clientId, version, "Storgatan 12", "Malmö");
        var (summer, _) = await Http.AddAddressAsync(clientId, v2, "Sjövägen 3", "Båstad");
        Api.Requests.Clear();

        var client = await Http.GetAsync($"/clients/{clientId}");

        Assert.Equal(["Query"], Api.Requests.Operations);
        Assert.Equal(MalinsPhones.OrderBy(p => p.Key, StringComparer.Ordinal), ClientCalls.Phones(client).OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal([home, summer], client["addresses"]!.AsArray().Select(a => a!["addressId"]!.GetValue<string>()));
        Assert.Equal(("Storgatan 12", "Malmö", "211 34", "Sweden"), (
            client["addresses"]![0]!["street"]!.GetValue<string>(), client["addresses"]![0]!["city"]!.GetValue<string>(),
            client["addresses"]![0]!["postalCode"]!.GetValue<string>(), client["addresses"]![0]!["country"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Getting_an_unknown_client_returns_404()
    {
        await Http.GetAsync($"/clients/{new string('c', 32)}", HttpStatusCode.NotFound);
        await Http.GetAsync("/clients/CLIENT%23x", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Looking_up_Malin_Persson_returns_all_her_details_numbers_included_in_one_request()
    {
        var (malin, _) = await Http.RegisterAsync("Malin Persson", "malin@example.se", MalinsPhones);
        await Http.RegisterAsync("Malin Perssons", "other@example.se");
        await Http.RegisterAsync("Malin", "short@example.se");
        await Eventually.Until(() => Http.GetAsync("/clients?name=Malin%20Persson"), found => found.AsArray().Count > 0, what: "Malin in GSI1");
        Api.Requests.Clear();

        var found = await Http.GetAsync("/clients?name=Malin%20Persson");

        Assert.Equal(["Query"], Api.Requests.Operations);
        var her = Assert.Single(found.AsArray())!;
        Assert.Equal((malin, "Malin Persson", "malin@example.se", 1L),
            (her["clientId"]!.GetValue<string>(), her["name"]!.GetValue<string>(), her["email"]!.GetValue<string>(), her["version"]!.GetValue<long>()));
        Assert.Equal(MalinsPhones.OrderBy(p => p.Key, StringComparer.Ordinal), ClientCalls.Phones(her).OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Clients_sharing_a_name_are_all_found()
    {
        var (first, _) = await Http.RegisterAsync("Anna Svensson", "anna1@example.se");
        var (second, _) = await Http.RegisterAsync("Anna Svensson", "anna2@example.se");

        var found = await Eventually.Until(() => Http.GetAsync("/clients?name=Anna%20Svensson"), list => list.AsArray().Count == 2, what: "both Annas");

        Assert.Equal(new[] { first, second }.Order(StringComparer.Ordinal), found.AsArray().Select(c => c!["clientId"]!.GetValue<string>()).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("/clients")]
    [InlineData("/clients?name=")]
    [InlineData("/clients?name=%20padded")]
    public async Task Looking_up_without_a_valid_name_returns_400_naming_it(string path)
    {
        var problem = await Http.GetAsync(path, HttpStatusCode.BadRequest);

        Assert.Contains("name", ApiClient.ErrorFields(problem));
    }

    [Fact]
    public async Task Looking_up_a_name_nobody_has_returns_an_empty_list() =>
        Assert.Empty((await Http.GetAsync("/clients?name=Nobody%20Here")).AsArray());

    [Fact]
    public async Task Names_with_the_key_delimiter_or_odd_unicode_never_share_an_index_key()
    {
        string[] names =
        [
            "Malin", "Malin#Persson", "Malin%23Persson", "Malin%Persson", "Malin Persson", "Malin#", "#Malin",
            "Malin Perss\u00f3n", "Malin Perss\u006f\u0301n", "Malin\u200bPersson", "Malin Persson \U0001F98A", "Малин Перссон",
        ];
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            ids[name] = (await Http.RegisterAsync(name, "same@example.se")).ClientId;
        }

        Assert.Equal(names.Length, names.Select(Keys.ClientNameIndexKey).Distinct(StringComparer.Ordinal).Count());
        foreach (var name in names)
        {
            var found = await Eventually.Until(
                () => Http.GetAsync($"/clients?name={Uri.EscapeDataString(name)}"), list => list.AsArray().Count > 0, what: $"'{name}' in GSI1");
            var only = Assert.Single(found.AsArray())!;
            Assert.Equal((ids[name], name), (only["clientId"]!.GetValue<string>(), only["name"]!.GetValue<string>()));
        }
    }

    [Fact]
    public async Task Odd_phone_types_and_numbers_round_trip_through_the_map()
    {
        var odd = new Dictionary<string, string>
        {
            ["sommar#stuga"] = "+46 (0)70-123 45 67",
            ["Företag 📞"] = "08-555 000 00",
            ["a.b"] = "0701",
            ["$ref"] = "+1 (555) 010-9999",
            ["home:2"] = "040 00",
            ["手机"] = "+86 138 0013 8000",
            [new string('t', 40)] = "00",
        };
        var (clientId, version) = await Http.RegisterAsync("Odd Phones", "odd@example.se", odd);
        await Http.SetPhoneAsync(clientId, "100% väg", "070 000 00 00", version);
        odd["100% väg"] = "070 000 00 00";

        var client = await Http.GetAsync($"/clients/{clientId}");
        var found = await Eventually.Until(() => Http.GetAsync("/clients?name=Odd%20Phones"), list => list.AsArray().Count > 0, what: "the client in GSI1");

        Assert.Equal(odd.OrderBy(p => p.Key, StringComparer.Ordinal), ClientCalls.Phones(client).OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(odd.OrderBy(p => p.Key, StringComparer.Ordinal), ClientCalls.Phones(found[0]!).OrderBy(p => p.Key, StringComparer.Ordinal));
        await Http.SendAsync(HttpMethod.Delete, $"/clients/{clientId}/phones/{Uri.EscapeDataString("sommar#stuga")}?expectedVersion=2", null, HttpStatusCode.OK);
        Assert.DoesNotContain("sommar#stuga", ClientCalls.Phones(await Http.GetAsync($"/clients/{clientId}")).Keys);
    }

    [Fact]
    public async Task Filtering_numbers_returns_those_containing_the_digits_from_one_request()
    {
        var (clientId, _) = await Http.RegisterAsync("Malin Persson", "malin@example.se", MalinsPhones);
        Api.Requests.Clear();

        var matching = await Http.GetAsync($"/clients/{clientId}/phones?contains=070");

        Assert.Equal(["Query"], Api.Requests.Operations);
        Assert.Equal(clientId, matching["clientId"]!.GetValue<string>());
        Assert.Equal(
            new Dictionary<string, string> { ["mobile"] = "070-123 45 67", ["work"] = "+46 8 070 12 34" }.OrderBy(p => p.Key, StringComparer.Ordinal),
            ClientCalls.Phones(matching).OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Filtering_numbers_that_match_nothing_returns_an_empty_map_and_an_unknown_client_404_each_from_one_request()
    {
        var (withPhones, _) = await Http.RegisterAsync("Filter Miss", phones: new Dictionary<string, string> { ["mobile"] = "073 1", ["home"] = "040 2" });
        var (withoutPhones, _) = await Http.RegisterAsync("No Numbers");
        Api.Requests.Clear();

        Assert.Empty(ClientCalls.Phones(await Http.GetAsync($"/clients/{withPhones}/phones?contains=070")));
        Assert.Empty(ClientCalls.Phones(await Http.GetAsync($"/clients/{withoutPhones}/phones?contains=070")));
        await Http.GetAsync($"/clients/{new string('e', 32)}/phones?contains=070", HttpStatusCode.NotFound);

        Assert.Equal(["Query", "Query", "Query"], Api.Requests.Operations);
    }

    [Theory]
    [InlineData("040 2", 1)]
    [InlineData("73 1", 1)]
    [InlineData("2073", 0)]
    [InlineData("1040", 0)]
    public async Task The_filter_expression_sees_each_number_apart_so_digits_spanning_two_numbers_match_nothing(string digits, int expected)
    {
        var (clientId, _) = await Http.RegisterAsync("Apart", phones: new Dictionary<string, string> { ["mobile"] = "073 1", ["home"] = "040 2" });
        var key = Keys.Client(clientId);

        // The service's own filter, sent straight to DynamoDB: what the read returns before the service looks at it.
        using var dynamoClient = DynamoDbLocalFixture.CreateClient(Tables);
        var result = await dynamoClient.QueryAsync(new QueryRequest
        {
            TableName = Tables.TableName,
            KeyConditionExpression = "PK = :pk AND SK = :sk",
            FilterExpression = "contains(#numbers, :digits)",
            ExpressionAttributeNames = new() { ["#numbers"] = Attributes.PhoneNumbers },
            ExpressionAttributeValues = new() { [":pk"] = new(key.PK), [":sk"] = new(key.SK), [":digits"] = new(digits) },
            ConsistentRead = true,
        }, TestContext.Current.CancellationToken);

        Assert.Equal((expected, 1), (result.Count ?? 0, result.ScannedCount ?? 0));
        Assert.Equal(expected, ClientCalls.Phones(await Http.GetAsync($"/clients/{clientId}/phones?contains={Uri.EscapeDataString(digits)}")).Count);
    }

    [Theory]
    [InlineData("")]
    [InlineData("?contains=")]
    [InlineData("?contains=070%7C040")]
    [InlineData("?contains=abc")]
    public async Task Filtering_numbers_without_valid_digits_returns_400_naming_contains(string query)
    {
        var (clientId, _) = await Http.RegisterAsync("Filter Validation", phones: new Dictionary<string, string> { ["mobile"] = "070" });

        var problem = await Http.GetAsync($"/clients/{clientId}/phones{query}", HttpStatusCode.BadRequest);

        Assert.Contains("contains", ApiClient.ErrorFields(problem));
    }
}
