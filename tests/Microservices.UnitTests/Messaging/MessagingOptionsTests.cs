using Microservices.Messaging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microservices.UnitTests.Messaging;

/// <summary>A service on RabbitMQ connects as a user of its deployment's own: none given, or guest, stops it at start.</summary>
public sealed class MessagingOptionsTests
{
    [Theory]
    [InlineData(null, null, "are required")]
    [InlineData("microservices", null, "are required")]
    [InlineData("guest", "guest", "must not be guest")]
    [InlineData("GUEST", "secret", "must not be guest")]
    public void RabbitMQ_without_a_user_of_its_own_is_refused_naming_the_settings(string? username, string? password, string words)
    {
        var failure = Assert.Throws<OptionsValidationException>(() => Options(("Transport", "RabbitMq"), ("Username", username), ("Password", password)));

        Assert.Contains("Messaging:Username", failure.Message, StringComparison.Ordinal);
        Assert.Contains(words, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_user_of_its_own_is_taken_and_the_in_memory_transport_needs_none()
    {
        Assert.Equal("microservices", Options(("Transport", "RabbitMq"), ("Username", "microservices"), ("Password", "s3cret")).Username);
        Assert.Null(Options(("Transport", "InMemory")).Username);
    }

    private static MessagingOptions Options(params (string Key, string? Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create($"{MessagingOptions.Section}:{s.Key}", s.Value)))
            .Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddMessaging(configuration);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<MessagingOptions>>().Value;
    }
}
