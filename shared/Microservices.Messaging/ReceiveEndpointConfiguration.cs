using MassTransit;

namespace Microservices.Messaging;

/// <summary>
/// A change a host makes to the receive endpoints of the bus that <see cref="MessagingServiceCollectionExtensions.AddMessaging"/>
/// registers, without being the code that calls it: put one in the container, before or after AddMessaging, and it is
/// applied to every receive endpoint as the bus configures it (the callback is given each endpoint's name).
/// </summary>
public sealed record ReceiveEndpointConfiguration(ConfigureEndpointsProviderCallback Configure);
