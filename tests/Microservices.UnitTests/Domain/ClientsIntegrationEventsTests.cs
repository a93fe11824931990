using Clients.Domain;
using Microservices.Contracts.Clients;

namespace Microservices.UnitTests.Domain;

/// <summary>
/// Which of the Clients service's events are published, as which contract, and what the contract carries: declared with
/// the event types and recorded by the event store at append time. No I/O.
/// </summary>
public sealed class ClientsIntegrationEventsTests
{
    private const string Id = "0123456789abcdef0123456789abcdef";
    private static readonly DateTimeOffset At = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private static object? ContractOf(object @event, long version) =>
        ClientsEvents.Types.ContractOf(@event, new EventEnvelope(ClientsEvents.Client(Id), version, At));

    [Fact]
    public void A_registration_becomes_client_registered_v1_with_the_id_of_its_stream_and_version()
    {
        var contract = ContractOf(new ClientRegistered(Id, "Malin Persson", "malin@example.se", new Dictionary<string, string> { ["mobile"] = "070" }), 1);

        Assert.Equal(
            new ClientRegisteredV1(EventIds.For("client", Id, 1), $"client-{Id}", 1, At, Id, "Malin Persson", "malin@example.se"),
            contract);
    }

    [Fact]
    public void A_change_of_details_becomes_client_details_changed_v1_with_both_name_and_email()
    {
        var contract = ContractOf(new ClientDetailsChanged(Id, "Malin Persson", "new@example.se"), 3);

        Assert.Equal(
            new ClientDetailsChangedV1(EventIds.For("client", Id, 3), $"client-{Id}", 3, At, Id, "Malin Persson", "new@example.se"),
            contract);
    }

    [Fact]
    public void Phone_and_address_events_stay_inside_the_service()
    {
        Assert.Null(ContractOf(new ClientPhoneSet(Id, "mobile", "070"), 2));
        Assert.Null(ContractOf(new ClientPhoneRemoved(Id, "mobile"), 3));
        Assert.Null(ContractOf(new ClientAddressAdded(Id, "a1", "S", "C", "P", "SE"), 4));
        Assert.Null(ContractOf(new ClientAddressRemoved(Id, "a1"), 5));
    }

    [Fact]
    public void An_event_the_map_does_not_name_is_refused_rather_than_taken_for_one_without_a_contract() =>
        Assert.Throws<InvalidOperationException>(() => ContractOf(new global::Catalog.Domain.AuthorDeleted(Id), 1));
}
