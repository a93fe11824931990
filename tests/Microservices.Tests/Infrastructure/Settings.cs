
namespace Microservices.Tests.Infrastructure;

public static class Settings
{
    /// <summary>The "DynamoDb" configuration section a service reads, the test run's signing key and a rate no test reaches, as command-line style key/values.</summary>
    public static Dictionary<string, string?> Of(DynamoDbOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.ToSettings();
        settings["Logging:LogLevel:Default"] = "Warning";
        settings["Auth:SigningKey"] = TestTokens.SigningKey;
        // The tests drive the APIs harder than any one caller may; RequestLimitsTests checks the rate on its own service.
        settings["Limits:RequestsPerSecond"] = "1000000";
        settings["Limits:RequestBurst"] = "1000000";
        return settings;
    }
}
