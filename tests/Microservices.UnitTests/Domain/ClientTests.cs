using Clients.Domain;

namespace Microservices.UnitTests.Domain;

/// <summary>Given a client's events, when a command is decided, then these events (or this refusal). No I/O.</summary>
public sealed class ClientTests
{
    private const string Id = "0123456789abcdef0123456789abcdef";
    private const string AddressId = "0193c3aa0000700080000000000000aa";

    private static readonly Dictionary<string, string> MalinsPhones = new()
    {
        ["mobile"] = "+46 70 123 45 67",
        ["home"] = "040-12 34 56",
    };

    private static ClientRegistered Registered(IReadOnlyDictionary<string, string>? phones = null) =>
        new(Id, "Malin Persson", "malin@example.se", phones ?? MalinsPhones);

    private static Client Given(params object[] events) => Client.Fold(Id, events);

    [Fact]
    public void Registering_a_new_client_decides_client_registered_with_its_numbers()
    {
        var events = Client.Register(Given(), "Malin Persson", "malin@example.se", MalinsPhones);

        var registered = Assert.IsType<ClientRegistered>(Assert.Single(events));
        Assert.Equal((Id, "Malin Persson", "malin@example.se"), (registered.ClientId, registered.Name, registered.Email));
        Assert.Equal(MalinsPhones.OrderBy(p => p.Key, StringComparer.Ordinal), registered.Phones.OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void Registering_an_existing_client_is_refused() =>
        Assert.Throws<ConflictException>(() => Client.Register(Given(Registered()), "Other", "other@example.se", new Dictionary<string, string>()));

    [Fact]
    public void Registering_with_more_numbers_than_a_client_can_have_is_refused()
    {
        var phones = Enumerable.Range(0, Client.MaxPhones + 1).ToDictionary(i => $"type{i}", i => $"0{i}0");

        Assert.Throws<ConflictException>(() => Client.Register(Given(), "Many Phones", "many@example.se", phones));
    }

    [Fact]
    public void Changing_only_the_email_decides_details_changed_carrying_the_current_name_too()
    {
        var events = Client.ChangeDetails(Given(Registered()), name: null, email: "malin.persson@example.se", expectedVersion: 1);

        Assert.Equal([new ClientDetailsChanged(Id, "Malin Persson", "malin.persson@example.se")], events);
    }

    [Fact]
    public void Changing_only_the_name_decides_details_changed_carrying_the_current_email_too()
    {
        var state = Given(Registered(), new ClientDetailsChanged(Id, "Malin Persson", "second@example.se"));

        var events = Client.ChangeDetails(state, name: "Malin Andersson", email: null, expectedVersion: 2);

        Assert.Equal([new ClientDetailsChanged(Id, "Malin Andersson", "second@example.se")], events);
    }

    [Fact]
    public void Changing_details_to_what_they_are_decides_nothing() =>
        Assert.Empty(Client.ChangeDetails(Given(Registered()), "Malin Persson", "malin@example.se", expectedVersion: 1));

    [Fact]
    public void Changing_details_at_a_stale_version_is_refused_with_the_current_version()
    {
        var state = Given(Registered(), new ClientPhoneSet(Id, "work", "08-555 123"));

        var conflict = Assert.Throws<VersionConflictException>(() => Client.ChangeDetails(state, "New Name", null, expectedVersion: 1));

        Assert.Equal(2, conflict.CurrentVersion);
    }

    [Fact]
    public void Every_command_on_a_client_that_does_not_exist_is_not_found()
    {
        Assert.Throws<NotFoundException>(() => Client.ChangeDetails(Given(), "A", null, 1));
        Assert.Throws<NotFoundException>(() => Client.SetPhone(Given(), "mobile", "070", 1));
        Assert.Throws<NotFoundException>(() => Client.RemovePhone(Given(), "mobile", 1));
        Assert.Throws<NotFoundException>(() => Client.AddAddress(Given(), AddressId, "S", "C", "P", "SE", 1));
        Assert.Throws<NotFoundException>(() => Client.RemoveAddress(Given(), AddressId, 1));
    }

    [Fact]
    public void Setting_a_number_of_a_new_type_decides_phone_set() =>
        Assert.Equal([new ClientPhoneSet(Id, "work", "08-555 123")], Client.SetPhone(Given(Registered()), "work", "08-555 123", 1));

    [Fact]
    public void Setting_a_different_number_of_a_type_the_client_has_replaces_it()
    {
        var events = Client.SetPhone(Given(Registered()), "mobile", "+46 73 000 00 00", 1);

        Assert.Equal("+46 73 000 00 00", events.Aggregate(Given(Registered()), Client.Apply).Phones["mobile"]);
    }

    [Fact]
    public void Setting_the_number_a_type_already_has_decides_nothing() =>
        Assert.Empty(Client.SetPhone(Given(Registered()), "mobile", "+46 70 123 45 67", 1));

    [Fact]
    public void Setting_a_new_type_beyond_the_bound_is_refused_but_replacing_one_at_the_bound_is_not()
    {
        var full = Given(Registered(Enumerable.Range(0, Client.MaxPhones).ToDictionary(i => $"type{i}", i => $"0{i}0")));

        Assert.Throws<ConflictException>(() => Client.SetPhone(full, "one-more", "0700", 1));
        Assert.Single(Client.SetPhone(full, "type0", "0700", 1));
    }

    [Fact]
    public void Removing_a_number_the_client_has_decides_phone_removed_and_the_fold_drops_it()
    {
        var events = Client.RemovePhone(Given(Registered()), "home", 1);

        Assert.Equal([new ClientPhoneRemoved(Id, "home")], events);
        Assert.Equal(["mobile"], events.Aggregate(Given(Registered()), Client.Apply).Phones.Keys);
    }

    [Fact]
    public void Removing_a_type_the_client_does_not_have_is_not_found() =>
        Assert.Equal("Phone", Assert.Throws<NotFoundException>(() => Client.RemovePhone(Given(Registered()), "fax", 1)).Resource);

    [Fact]
    public void Adding_an_address_decides_address_added()
    {
        var events = Client.AddAddress(Given(Registered()), AddressId, "Storgatan 12", "Malmö", "211 34", "Sweden", 1);

        Assert.Equal([new ClientAddressAdded(Id, AddressId, "Storgatan 12", "Malmö", "211 34", "Sweden")], events);
        Assert.Equal(AddressId, Assert.Single(events.Aggregate(Given(Registered()), Client.Apply).Addresses).AddressId);
    }

    [Fact]
    public void Adding_an_address_beyond_the_bound_is_refused()
    {
        var events = new List<object> { Registered() };
        events.AddRange(Enumerable.Range(0, Client.MaxAddresses).Select(i => new ClientAddressAdded(Id, $"a{i}", "S", "C", "P", "SE")));

        Assert.Throws<ConflictException>(() => Client.AddAddress(Given([.. events]), AddressId, "S", "C", "P", "SE", events.Count));
    }

    [Fact]
    public void Removing_an_address_the_client_has_decides_address_removed()
    {
        var state = Given(Registered(), new ClientAddressAdded(Id, AddressId, "S", "C", "P", "SE"));

        var events = Client.RemoveAddress(state, AddressId, 2);

        Assert.Equal([new ClientAddressRemoved(Id, AddressId)], events);
        Assert.Empty(events.Aggregate(state, Client.Apply).Addresses);
    }

    [Fact]
    public void Removing_an_address_the_client_does_not_have_is_not_found() =>
        Assert.Equal("Address", Assert.Throws<NotFoundException>(() => Client.RemoveAddress(Given(Registered()), AddressId, 1)).Resource);

    [Fact]
    public void The_fold_of_phone_events_is_the_map_they_describe_and_counts_every_event() =>
        Gen.Select(Gen.OneOf(Gen.Const("mobile"), Gen.Const("home"), Gen.String[1, 5]), Gen.String[0, 8], Gen.Bool)
            .List[0, 30]
            .Sample(changes =>
            {
                var expected = new Dictionary<string, string>(MalinsPhones, StringComparer.Ordinal);
                var events = new List<object> { Registered() };
                foreach (var (type, number, remove) in changes)
                {
                    if (remove)
                    {
                        expected.Remove(type);
                        events.Add(new ClientPhoneRemoved(Id, type));
                    }
                    else
                    {
                        expected[type] = number;
                        events.Add(new ClientPhoneSet(Id, type, number));
                    }
                }

                var state = Given([.. events]);

                Assert.Equal(expected.OrderBy(p => p.Key, StringComparer.Ordinal), state.Phones);
                Assert.Equal(events.Count, state.Version);
            });
}
