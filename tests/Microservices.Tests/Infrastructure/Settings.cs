
namespace Microservices.Tests.Infrastructure;

public static class Settings
{
    /// <summary>The "DynamoDb" configuration section a service reads, and the test run's signing key, as command-line style key/values.</summary>
    public static Dictionary<string, string?> Of(DynamoDbOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.ToSettings();
        settings["Logging:LogLevel:Default"] = "Warning";
        settings["Auth:SigningKey"] = TestTokens.SigningKey;
        return settings;
    }
}
