using Clients.Api;
using Microservices.Contracts.Clients;
using Microservices.Messaging;

namespace Microservices.Tests.Clients;

/// <summary>
/// The Clients map behind a real stream publisher and RabbitMQ: registrations and changes of details reach a consumer
/// as their contracts, each with the full current name and email; phones and addresses are never published.
/// </summary>
public sealed class ClientsIntegrationEventDeliveryTests(DynamoDbLocalFixture dynamo, RabbitMqFixture rabbit) : ApiTest<ClientsService>(dynamo, "clients-events")
{
    private BusTraffic _traffic = null!;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _traffic = BusTraffic.Watch(Worker!.Services.GetRequiredService<IBus>());
    }

    protected override async Task<IHost?> StartWorkerAsync(DynamoDbOptions tables) =>
        await ClientsPublisher.StartAsync(tables, await rabbit.NewVirtualHostAsync("clients-events"));

    [Fact]
    public async Task Registration_and_changes_of_details_reach_a_consumer_with_the_full_name_and_email_and_phones_and_addresses_do_not()
    {
        var (clientId, version) = await Http.RegisterAsync("Malin Persson", "malin@example.se", new Dictionary<string, string> { ["mobile"] = "070 1" });
        version = await Http.SetPhoneAsync(clientId, "home", "040 2", version);
        (_, version) = await Http.AddAddressAsync(clientId, version);
        await Http.SendAsync(HttpMethod.Put, $"/clients/{clientId}/details",
            new { email = "malin.persson@example.se", expectedVersion = version }, System.Net.HttpStatusCode.OK);

        var received = (await Eventually.Until(
                () => Task.FromResult(Worker!.Received().All), all => all.Count >= 2, what: "the two Clients contracts"))
            .OrderBy(e => e.StreamVersion)
            .ToList();

        var stream = $"client-{clientId}";
        Assert.Equal(
            [
                new ClientRegisteredV1(EventIds.For("client", clientId, 1), stream, 1, ((ClientRegisteredV1)received[0]).OccurredAt, clientId, "Malin Persson", "malin@example.se"),
                new ClientDetailsChangedV1(EventIds.For("client", clientId, 4), stream, 4, ((ClientDetailsChangedV1)received[1]).OccurredAt, clientId, "Malin Persson", "malin.persson@example.se"),
            ],
            received.Cast<object>());
        // Events of one stream are published in order, so the phone and address events (versions 2 and 3) were
        // handled before version 4 was published: had they been published, they would be in this list.
        Assert.Equal([typeof(ClientRegisteredV1), typeof(ClientDetailsChangedV1)], _traffic.Published.Select(m => m.Type));
    }
}
