using Clients.Domain;
using Microservices.Contracts.Clients;
using Microservices.EventSourcing;

namespace Microservices.Tests.Domain;

/// <summary>Which of the Clients service's stored events become integration contracts, and what they carry. No I/O.</summary>
public sealed class ClientsIntegrationEventsTests
{
    private const string Id = "0123456789abcdef0123456789abcdef";
    private static readonly DateTimeOffset At = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private static StoredEvent Stored(object @event, long version) =>
        new("client", Id, version, ClientsEvents.Types.NameOf(@event), EventTypeMap.Serialize(@event), At);

    [Fact]
    public void A_registration_becomes_client_registered_v1_with_the_id_of_its_stream_and_version()
    {
        var contract = new ClientsIntegrationEvents().ToContract(
            Stored(new ClientRegistered(Id, "Malin Persson", "malin@example.se", new Dictionary<string, string> { ["mobile"] = "070" }), 1));

        Assert.Equal(
            new ClientRegisteredV1(EventIds.For("client", Id, 1), $"client-{Id}", 1, At, Id, "Malin Persson", "malin@example.se"),
            contract);
    }

    [Fact]
    public void A_change_of_details_becomes_client_details_changed_v1_with_both_name_and_email()
    {
        var contract = new ClientsIntegrationEvents().ToContract(Stored(new ClientDetailsChanged(Id, "Malin Persson", "new@example.se"), 3));

        Assert.Equal(
            new ClientDetailsChangedV1(EventIds.For("client", Id, 3), $"client-{Id}", 3, At, Id, "Malin Persson", "new@example.se"),
            contract);
    }

    [Fact]
    public void Phone_and_address_events_stay_inside_the_service()
    {
        var map = new ClientsIntegrationEvents();

        Assert.Null(map.ToContract(Stored(new ClientPhoneSet(Id, "mobile", "070"), 2)));
        Assert.Null(map.ToContract(Stored(new ClientPhoneRemoved(Id, "mobile"), 3)));
        Assert.Null(map.ToContract(Stored(new ClientAddressAdded(Id, "a1", "S", "C", "P", "SE"), 4)));
        Assert.Null(map.ToContract(Stored(new ClientAddressRemoved(Id, "a1"), 5)));
    }

    [Fact]
    public void Another_services_events_map_to_nothing() =>
        Assert.Null(new ClientsIntegrationEvents().ToContract(new StoredEvent("author", Id, 1, "author.registered.v1", "{}", At)));
}
