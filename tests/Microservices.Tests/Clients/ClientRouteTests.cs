using Clients.Api;

namespace Microservices.Tests.Clients;

/// <summary>Every Clients command route against the real service on DynamoDB Local, including its 400, 404 and 409 answers.</summary>
public sealed class ClientRouteTests(DynamoDbLocalFixture dynamo) : ApiTest<ClientsService>(dynamo, "clients-routes")
{
    private static readonly string Unknown = new('a', 32);

    [Fact]
    public async Task The_service_serves_health_its_API_reference_and_an_OpenAPI_document_of_every_route()
    {
        Assert.Equal("Healthy", await Http.Http.GetStringAsync("/health", TestContext.Current.CancellationToken));
        using var scalar = await Http.Http.GetAsync("/scalar", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, scalar.StatusCode);

        var document = await Http.GetAsync("/openapi/v1.json");

        Assert.Equal(
            ["/clients", "/clients/by-email", "/clients/{clientId}", "/clients/{clientId}/addresses", "/clients/{clientId}/addresses/{addressId}",
                "/clients/{clientId}/details", "/clients/{clientId}/phones", "/clients/{clientId}/phones/{type}"],
            document["paths"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.NotNull(document["paths"]!["/clients"]!["post"]!["parameters"]!.AsArray().SingleOrDefault(p => p!["name"]!.GetValue<string>() == "Idempotency-Key"));
    }

    // POST /clients

    [Fact]
    public async Task Registering_a_client_returns_its_id_and_version_1_and_stores_its_details_and_numbers()
    {
        var (clientId, version) = await Http.RegisterAsync("Malin Persson", "malin@example.se",
            new Dictionary<string, string> { ["mobile"] = "+46 70 123 45 67", ["home"] = "040-12 34 56" });

        Assert.Equal(32, clientId.Length);
        Assert.Equal(1, version);
        var client = await Http.GetAsync($"/clients/{clientId}");
        Assert.Equal(("Malin Persson", "malin@example.se", 1L),
            (client["name"]!.GetValue<string>(), client["email"]!.GetValue<string>(), client["version"]!.GetValue<long>()));
        Assert.Equal(new Dictionary<string, string> { ["home"] = "040-12 34 56", ["mobile"] = "+46 70 123 45 67" }, ClientCalls.Phones(client));
        Assert.Empty(client["addresses"]!.AsArray());
    }

    [Fact]
    public async Task Registering_without_numbers_stores_an_empty_map()
    {
        var (clientId, _) = await Http.RegisterAsync("No Phones");

        Assert.Empty(ClientCalls.Phones(await Http.GetAsync($"/clients/{clientId}")));
    }

    [Theory]
    [InlineData("{\"email\":\"a@example.se\"}", "name")]
    [InlineData("{\"name\":\" padded \",\"email\":\"a@example.se\"}", "name")]
    [InlineData("{\"name\":42,\"email\":\"a@example.se\"}", "name")]
    [InlineData("{\"name\":\"Lone \\ud800 surrogate\",\"email\":\"a@example.se\"}", "name")]
    [InlineData("{\"name\":\"A\"}", "email")]
    [InlineData("{\"name\":\"A\",\"email\":\"not-an-email\"}", "email")]
    [InlineData("{\"name\":\"A\",\"email\":\"a@example.se\",\"phones\":{\"mobile\":\"call me\"}}", "phones.mobile")]
    [InlineData("{\"name\":\"A\",\"email\":\"a@example.se\",\"phones\":{\"mobile\":null}}", "phones.mobile")]
    [InlineData("{\"name\":\"A\",\"email\":\"a@example.se\",\"phones\":{\" \":\"070\"}}", "phones")]
    [InlineData("{\"name\":\"A\",\"email\":\"a@example.se\",\"phones\":{\"a/b\":\"070\"}}", "phones")]
    [InlineData("{\"name\":\"A\",\"email\":\"a@example.se\",\"phones\":[\"070\"]}", "phones")]
    [InlineData("{\"name\":\"A\",\"email\":\"a@example.se\",\"phonse\":{}}", "phonse")]
    [InlineData("null", "body")]
    [InlineData("{\"name\":\"A\",\"email\":\"a@example.se\"", "body")]
    public async Task Registering_with_bad_input_returns_400_naming_the_field(string json, string field)
    {
        var problem = await Http.SendRawAsync(HttpMethod.Post, "/clients", json, HttpStatusCode.BadRequest);

        Assert.Contains(field, ApiClient.ErrorFields(problem), StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Registering_with_more_numbers_than_a_client_can_have_returns_400_naming_phones()
    {
        var phones = Enumerable.Range(0, 11).ToDictionary(i => $"type{i}", i => $"070 {i:D2}");

        var problem = await Http.SendAsync(HttpMethod.Post, "/clients", new { name = "Many", email = "m@example.se", phones }, HttpStatusCode.BadRequest);

        Assert.Contains("phones", ApiClient.ErrorFields(problem));
    }

    [Fact]
    public async Task Registering_again_with_the_same_idempotency_key_and_body_returns_the_first_client_and_writes_nothing_more()
    {
        var body = new { name = "Retry Persson", email = "retry@example.se", phones = new Dictionary<string, string> { ["mobile"] = "070 111" } };
        var key = Guid.NewGuid().ToString();

        var first = await Http.SendAsync(HttpMethod.Post, "/clients", body, HttpStatusCode.Created, ApiClient.IdempotencyKey(key));
        var again = await Http.SendAsync(HttpMethod.Post, "/clients", body, HttpStatusCode.Created, ApiClient.IdempotencyKey(key));

        var clientId = first["clientId"]!.GetValue<string>();
        Assert.Equal(clientId, again["clientId"]!.GetValue<string>());
        Assert.Equal(1, again["version"]!.GetValue<long>());
        Assert.Equal(1, await ClientItemCountAsync());
    }

    [Fact]
    public async Task A_retry_listing_the_numbers_in_another_order_is_the_same_request()
    {
        var key = Guid.NewGuid().ToString();

        var first = await Http.SendAsync(HttpMethod.Post, "/clients", new
        {
            name = "Order Persson", email = "order@example.se", phones = new Dictionary<string, string> { ["mobile"] = "070 1", ["home"] = "040 2" },
        }, HttpStatusCode.Created, ApiClient.IdempotencyKey(key));
        var again = await Http.SendAsync(HttpMethod.Post, "/clients", new
        {
            name = "Order Persson", email = "order@example.se", phones = new Dictionary<string, string> { ["home"] = "040 2", ["mobile"] = "070 1" },
        }, HttpStatusCode.Created, ApiClient.IdempotencyKey(key));

        Assert.Equal(first["clientId"]!.GetValue<string>(), again["clientId"]!.GetValue<string>());
        Assert.Equal(1, await ClientItemCountAsync());
    }

    [Fact]
    public async Task Concurrent_registrations_with_one_idempotency_key_create_one_client()
    {
        var key = Guid.NewGuid().ToString();

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(async _ =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/clients")
            {
                Content = System.Net.Http.Json.JsonContent.Create(new { name = "Racing Persson", email = "race@example.se" }),
            };
            request.Headers.Add("Idempotency-Key", key);
            using var response = await Http.Http.SendAsync(request, TestContext.Current.CancellationToken);
            var body = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
            return (response.StatusCode, ClientId: body["clientId"]?.GetValue<string>());
        }));

        // The first takes the key; the others find it in progress (409) or completed (201, replayed, the same client).
        Assert.All(answers, a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict }));
        Assert.Single(answers.Where(a => a.StatusCode == HttpStatusCode.Created).Select(a => a.ClientId).Distinct());
        Assert.Equal(1, await ClientItemCountAsync());
    }

    [Fact]
    public async Task Reusing_an_idempotency_key_with_a_different_body_returns_422_and_creates_nothing()
    {
        var key = Guid.NewGuid().ToString();
        await Http.SendAsync(HttpMethod.Post, "/clients", new { name = "First Body", email = "first@example.se" }, HttpStatusCode.Created, ApiClient.IdempotencyKey(key));

        var problem = await Http.SendAsync(HttpMethod.Post, "/clients",
            new { name = "Second Body", email = "first@example.se" }, HttpStatusCode.UnprocessableEntity, ApiClient.IdempotencyKey(key));

        Assert.Contains(key, problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty((await Http.GetAsync("/clients?name=Second%20Body")).AsArray());
        Assert.Equal(1, await ClientItemCountAsync());
    }

    [Fact]
    public async Task Registering_with_a_malformed_idempotency_key_returns_400_naming_the_header()
    {
        var problem = await Http.SendAsync(HttpMethod.Post, "/clients",
            new { name = "Bad Key", email = "bad@example.se" }, HttpStatusCode.BadRequest, ApiClient.IdempotencyKey(new string('k', 101)));

        Assert.Contains("Idempotency-Key", ApiClient.ErrorFields(problem));
    }

    // PUT /clients/{id}/details

    [Fact]
    public async Task Changing_the_email_alone_keeps_the_name_and_returns_the_next_version()
    {
        var (clientId, version) = await Http.RegisterAsync("Email Changer", "old@example.se");

        var changed = await Http.SendAsync(HttpMethod.Put, $"/clients/{clientId}/details",
            new { email = "new@example.se", expectedVersion = version }, HttpStatusCode.OK);

        Assert.Equal(2, changed["version"]!.GetValue<long>());
        var client = await Http.GetAsync($"/clients/{clientId}");
        Assert.Equal(("Email Changer", "new@example.se"), (client["name"]!.GetValue<string>(), client["email"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Renaming_moves_the_name_index_key_in_the_same_write()
    {
        var (clientId, version) = await Http.RegisterAsync("Malin Persson", "m@example.se");

        await Http.SendAsync(HttpMethod.Put, $"/clients/{clientId}/details", new { name = "Malin Andersson", expectedVersion = version }, HttpStatusCode.OK);

        using var dynamoClient = DynamoDbLocalFixture.CreateClient(Tables);
        var key = Keys.Client(clientId);
        var item = (await dynamoClient.GetItemAsync(new GetItemRequest
        {
            TableName = Tables.TableName,
            Key = new() { [Attributes.PK] = new(key.PK), [Attributes.SK] = new(key.SK) },
            ConsistentRead = true,
        }, TestContext.Current.CancellationToken)).Item;
        Assert.Equal(Keys.ClientNameIndexKey("Malin Andersson"), item[Attributes.GSI1PK].S);
        var found = await Eventually.Until(
            () => Http.GetAsync("/clients?name=Malin%20Andersson"), list => list.AsArray().Count == 1, what: "the new name in GSI1");
        Assert.Equal(clientId, found[0]!["clientId"]!.GetValue<string>());
        Assert.DoesNotContain(clientId, (await Http.GetAsync("/clients?name=Malin%20Persson")).AsArray().Select(c => c!["clientId"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("{\"expectedVersion\":1}", "name")]
    [InlineData("{\"name\":\"\",\"expectedVersion\":1}", "name")]
    [InlineData("{\"email\":\"nope\",\"expectedVersion\":1}", "email")]
    [InlineData("{\"name\":\"N\"}", "expectedVersion")]
    [InlineData("{\"name\":\"N\",\"expectedVersion\":0}", "expectedVersion")]
    [InlineData("{\"name\":\"N\",\"expectedVersion\":\"one\"}", "expectedVersion")]
    public async Task Changing_details_with_bad_input_returns_400_naming_the_field(string json, string field)
    {
        var (clientId, _) = await Http.RegisterAsync("Details Validation");

        var problem = await Http.SendRawAsync(HttpMethod.Put, $"/clients/{clientId}/details", json, HttpStatusCode.BadRequest);

        Assert.Contains(field, ApiClient.ErrorFields(problem), StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Changing_details_of_an_unknown_client_returns_404()
    {
        await Http.SendAsync(HttpMethod.Put, $"/clients/{Unknown}/details", new { name = "Nobody", expectedVersion = 1 }, HttpStatusCode.NotFound);
        await Http.SendAsync(HttpMethod.Put, "/clients/CLIENT%23x/details", new { name = "Nobody", expectedVersion = 1 }, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Changing_details_with_a_stale_version_returns_409_with_the_current_version_and_changes_nothing()
    {
        var (clientId, _) = await Http.RegisterAsync("Stale Details", "stale@example.se");
        await Http.SetPhoneAsync(clientId, "mobile", "070 123", 1);

        var problem = await Http.SendAsync(HttpMethod.Put, $"/clients/{clientId}/details",
            new { name = "Too Late", expectedVersion = 1 }, HttpStatusCode.Conflict);

        Assert.Equal(2, problem["currentVersion"]!.GetValue<long>());
        Assert.Equal("Stale Details", (await Http.GetAsync($"/clients/{clientId}"))["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Concurrent_changes_from_the_same_version_let_exactly_one_win()
    {
        var (clientId, version) = await Http.RegisterAsync("Contested Client");

        var attempts = await Task.WhenAll(Enumerable.Range(0, 6).Select(async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, $"/clients/{clientId}/details")
            {
                Content = System.Net.Http.Json.JsonContent.Create(new { name = $"Contender {i}", expectedVersion = version }),
            };
            using var response = await Http.Http.SendAsync(request, TestContext.Current.CancellationToken);
            return response.StatusCode;
        }));

        Assert.Equal(1, attempts.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(5, attempts.Count(s => s == HttpStatusCode.Conflict));
    }

    // PUT and DELETE /clients/{id}/phones/{type}

    [Fact]
    public async Task Setting_and_removing_numbers_changes_the_map_one_version_at_a_time()
    {
        var (clientId, _) = await Http.RegisterAsync("Phone Owner", phones: new Dictionary<string, string> { ["mobile"] = "070 000" });

        Assert.Equal(2, await Http.SetPhoneAsync(clientId, "work", "08-555 123", 1));
        Assert.Equal(3, await Http.SetPhoneAsync(clientId, "mobile", "073 999", 2));
        // The same number again decides nothing and keeps the version.
        Assert.Equal(3, await Http.SetPhoneAsync(clientId, "mobile", "073 999", 3));
        var removed = await Http.SendAsync(HttpMethod.Delete, $"/clients/{clientId}/phones/work?expectedVersion=3", null, HttpStatusCode.OK);

        Assert.Equal(4, removed["version"]!.GetValue<long>());
        Assert.Equal(new Dictionary<string, string> { ["mobile"] = "073 999" }, ClientCalls.Phones(await Http.GetAsync($"/clients/{clientId}")));
    }

    [Theory]
    [InlineData("{\"expectedVersion\":1}", "number")]
    [InlineData("{\"number\":\"phone\",\"expectedVersion\":1}", "number")]
    [InlineData("{\"number\":\"070 123\"}", "expectedVersion")]
    public async Task Setting_a_number_with_bad_input_returns_400_naming_the_field(string json, string field)
    {
        var (clientId, _) = await Http.RegisterAsync("Phone Validation");

        var problem = await Http.SendRawAsync(HttpMethod.Put, $"/clients/{clientId}/phones/mobile", json, HttpStatusCode.BadRequest);

        Assert.Contains(field, ApiClient.ErrorFields(problem), StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Setting_a_number_of_a_type_too_long_returns_400_naming_the_type()
    {
        var (clientId, _) = await Http.RegisterAsync("Long Type");

        var problem = await Http.SendAsync(HttpMethod.Put, $"/clients/{clientId}/phones/{new string('t', 41)}",
            new { number = "070", expectedVersion = 1 }, HttpStatusCode.BadRequest);

        Assert.Contains("type", ApiClient.ErrorFields(problem));
    }

    [Fact]
    public async Task Setting_a_number_of_an_unknown_client_returns_404() =>
        await Http.SendAsync(HttpMethod.Put, $"/clients/{Unknown}/phones/mobile", new { number = "070 1", expectedVersion = 1 }, HttpStatusCode.NotFound);

    [Fact]
    public async Task Setting_a_number_with_a_stale_version_returns_409_with_the_current_version()
    {
        var (clientId, _) = await Http.RegisterAsync("Stale Phone");
        await Http.SetPhoneAsync(clientId, "home", "040 1", 1);

        var problem = await Http.SendAsync(HttpMethod.Put, $"/clients/{clientId}/phones/mobile",
            new { number = "070 1", expectedVersion = 1 }, HttpStatusCode.Conflict);

        Assert.Equal(2, problem["currentVersion"]!.GetValue<long>());
    }

    [Theory]
    [InlineData("")]
    [InlineData("?expectedVersion=")]
    [InlineData("?expectedVersion=two")]
    [InlineData("?expectedVersion=-1")]
    public async Task Removing_a_number_without_a_valid_expected_version_returns_400_naming_it(string query)
    {
        var (clientId, _) = await Http.RegisterAsync("Remove Validation", phones: new Dictionary<string, string> { ["mobile"] = "070" });

        var problem = await Http.SendAsync(HttpMethod.Delete, $"/clients/{clientId}/phones/mobile{query}", null, HttpStatusCode.BadRequest);

        Assert.Contains("expectedVersion", ApiClient.ErrorFields(problem));
    }

    [Fact]
    public async Task Removing_a_number_of_an_unknown_client_or_type_returns_404()
    {
        var (clientId, _) = await Http.RegisterAsync("Remove Unknown", phones: new Dictionary<string, string> { ["mobile"] = "070" });

        await Http.SendAsync(HttpMethod.Delete, $"/clients/{Unknown}/phones/mobile?expectedVersion=1", null, HttpStatusCode.NotFound);
        await Http.SendAsync(HttpMethod.Delete, $"/clients/{clientId}/phones/fax?expectedVersion=1", null, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Removing_a_number_with_a_stale_version_returns_409_with_the_current_version()
    {
        var (clientId, _) = await Http.RegisterAsync("Stale Remove", phones: new Dictionary<string, string> { ["mobile"] = "070" });
        await Http.SetPhoneAsync(clientId, "home", "040", 1);

        var problem = await Http.SendAsync(HttpMethod.Delete, $"/clients/{clientId}/phones/mobile?expectedVersion=1", null, HttpStatusCode.Conflict);

        Assert.Equal(2, problem["currentVersion"]!.GetValue<long>());
        Assert.Equal(2, ClientCalls.Phones(await Http.GetAsync($"/clients/{clientId}")).Count);
    }

    // POST and DELETE /clients/{id}/addresses

    [Fact]
    public async Task Adding_and_removing_addresses_keeps_them_as_items_in_the_clients_collection()
    {
        var (clientId, version) = await Http.RegisterAsync("Address Owner");

        var (home, v2) = await Http.AddAddressAsync(clientId, version, "Storgatan 12", "Malmö");
        var (summer, v3) = await Http.AddAddressAsync(clientId, v2, "Sjövägen 3", "Båstad");

        var client = await Http.GetAsync($"/clients/{clientId}");
        Assert.Equal(3, client["version"]!.GetValue<long>());
        Assert.Equal([home, summer], client["addresses"]!.AsArray().Select(a => a!["addressId"]!.GetValue<string>()));
        Assert.Equal("Båstad", client["addresses"]![1]!["city"]!.GetValue<string>());

        var removed = await Http.SendAsync(HttpMethod.Delete, $"/clients/{clientId}/addresses/{home}?expectedVersion={v3}", null, HttpStatusCode.OK);

        Assert.Equal(4, removed["version"]!.GetValue<long>());
        var after = await Http.GetAsync($"/clients/{clientId}");
        Assert.Equal([summer], after["addresses"]!.AsArray().Select(a => a!["addressId"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("{\"city\":\"C\",\"postalCode\":\"P\",\"country\":\"SE\",\"expectedVersion\":1}", "street")]
    [InlineData("{\"street\":\"S\",\"postalCode\":\"P\",\"country\":\"SE\",\"expectedVersion\":1}", "city")]
    [InlineData("{\"street\":\"S\",\"city\":\"C\",\"country\":\"SE\",\"expectedVersion\":1}", "postalCode")]
    [InlineData("{\"street\":\"S\",\"city\":\"C\",\"postalCode\":\"P\",\"expectedVersion\":1}", "country")]
    [InlineData("{\"street\":\"S\",\"city\":\"C\",\"postalCode\":\"P\",\"country\":\"SE\"}", "expectedVersion")]
    public async Task Adding_an_address_with_bad_input_returns_400_naming_the_field(string json, string field)
    {
        var (clientId, _) = await Http.RegisterAsync("Address Validation");

        var problem = await Http.SendRawAsync(HttpMethod.Post, $"/clients/{clientId}/addresses", json, HttpStatusCode.BadRequest);

        Assert.Contains(field, ApiClient.ErrorFields(problem), StringComparer.OrdinalIgnoreCase);
        Assert.Empty((await Http.GetAsync($"/clients/{clientId}"))["addresses"]!.AsArray());
    }

    [Fact]
    public async Task Adding_an_address_to_an_unknown_client_returns_404_and_writes_nothing()
    {
        await Http.SendAsync(HttpMethod.Post, $"/clients/{Unknown}/addresses",
            new { street = "S", city = "C", postalCode = "P", country = "SE", expectedVersion = 1 }, HttpStatusCode.NotFound);

        using var dynamoClient = DynamoDbLocalFixture.CreateClient(Tables);
        var items = await dynamoClient.QueryAsync(new QueryRequest
        {
            TableName = Tables.TableName,
            KeyConditionExpression = "PK = :pk",
            ExpressionAttributeValues = new() { [":pk"] = new(Keys.ClientPartition(Unknown)) },
        }, TestContext.Current.CancellationToken);
        Assert.Empty(items.Items ?? []);
    }

    [Fact]
    public async Task Adding_an_address_with_a_stale_version_returns_409_with_the_current_version_and_writes_no_address()
    {
        var (clientId, _) = await Http.RegisterAsync("Stale Address");
        await Http.SetPhoneAsync(clientId, "mobile", "070", 1);

        var problem = await Http.SendAsync(HttpMethod.Post, $"/clients/{clientId}/addresses",
            new { street = "S", city = "C", postalCode = "P", country = "SE", expectedVersion = 1 }, HttpStatusCode.Conflict);

        Assert.Equal(2, problem["currentVersion"]!.GetValue<long>());
        Assert.Empty((await Http.GetAsync($"/clients/{clientId}"))["addresses"]!.AsArray());
    }

    [Fact]
    public async Task Removing_an_address_without_an_expected_version_returns_400_naming_it()
    {
        var (clientId, version) = await Http.RegisterAsync("Remove Address Validation");
        var (addressId, _) = await Http.AddAddressAsync(clientId, version);

        var problem = await Http.SendAsync(HttpMethod.Delete, $"/clients/{clientId}/addresses/{addressId}", null, HttpStatusCode.BadRequest);

        Assert.Contains("expectedVersion", ApiClient.ErrorFields(problem));
    }

    [Fact]
    public async Task Removing_an_unknown_address_or_an_address_of_an_unknown_client_returns_404()
    {
        var (clientId, _) = await Http.RegisterAsync("Remove Unknown Address");

        await Http.SendAsync(HttpMethod.Delete, $"/clients/{clientId}/addresses/{Unknown}?expectedVersion=1", null, HttpStatusCode.NotFound);
        await Http.SendAsync(HttpMethod.Delete, $"/clients/{clientId}/addresses/not-an-id?expectedVersion=1", null, HttpStatusCode.NotFound);
        await Http.SendAsync(HttpMethod.Delete, $"/clients/{Unknown}/addresses/{Unknown}?expectedVersion=1", null, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Removing_an_address_with_a_stale_version_returns_409_with_the_current_version_and_keeps_it()
    {
        var (clientId, version) = await Http.RegisterAsync("Stale Address Removal");
        var (addressId, v2) = await Http.AddAddressAsync(clientId, version);
        await Http.SetPhoneAsync(clientId, "mobile", "070", v2);

        var problem = await Http.SendAsync(HttpMethod.Delete, $"/clients/{clientId}/addresses/{addressId}?expectedVersion={v2}", null, HttpStatusCode.Conflict);

        Assert.Equal(3, problem["currentVersion"]!.GetValue<long>());
        Assert.Single((await Http.GetAsync($"/clients/{clientId}"))["addresses"]!.AsArray());
    }

    // Events and transactions

    [Fact]
    public async Task Every_command_appends_contiguous_events_in_one_transaction_with_the_client_item()
    {
        var (clientId, version) = await Http.RegisterAsync("Event Sourced Client", "es@example.se");
        version = await Http.SetPhoneAsync(clientId, "mobile", "070", version);
        Api.Requests.Clear();
        var (addressId, _) = await Http.AddAddressAsync(clientId, version);

        // The command read the client's stream once and wrote once: events, client item and address item together.
        Assert.Equal(["Query", "TransactWriteItems"], Api.Requests.Operations);
        await Http.SendAsync(HttpMethod.Delete, $"/clients/{clientId}/addresses/{addressId}?expectedVersion=3", null, HttpStatusCode.OK);
        await Http.SendAsync(HttpMethod.Delete, $"/clients/{clientId}/phones/mobile?expectedVersion=4", null, HttpStatusCode.OK);
        await Http.SendAsync(HttpMethod.Put, $"/clients/{clientId}/details", new { name = "Renamed Client", expectedVersion = 5 }, HttpStatusCode.OK);

        using var dynamoClient = DynamoDbLocalFixture.CreateClient(Tables);
        var events = await dynamoClient.QueryAsync(new QueryRequest
        {
            TableName = Tables.TableName,
            KeyConditionExpression = "PK = :pk",
            ExpressionAttributeValues = new() { [":pk"] = new(Keys.StreamPartition("client", clientId)) },
            ConsistentRead = true,
        }, TestContext.Current.CancellationToken);
        Assert.Equal(["1", "2", "3", "4", "5", "6"], events.Items.Select(e => e[Attributes.Version].N));
        Assert.Equal(
            ["client.registered.v1", "client.phone-set.v1", "client.address-added.v1", "client.address-removed.v1", "client.phone-removed.v1", "client.details-changed.v1"],
            events.Items.Select(e => e[Attributes.EventType].S));
        Assert.Equal(6, (await Http.GetAsync($"/clients/{clientId}"))["version"]!.GetValue<long>());
    }

    private async Task<int> ClientItemCountAsync()
    {
        using var dynamoClient = DynamoDbLocalFixture.CreateClient(Tables);
        var scan = await dynamoClient.ScanAsync(new ScanRequest
        {
            TableName = Tables.TableName,
            FilterExpression = "ItemType = :client",
            ExpressionAttributeValues = new() { [":client"] = new(ItemTypes.Client) },
            ConsistentRead = true,
        }, TestContext.Current.CancellationToken);
        return scan.Count ?? 0;
    }
}
