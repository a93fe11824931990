
namespace Microservices.Tests.Infrastructure;

public static class Settings
{
    /// <summary>The "DynamoDb" configuration section a service reads, as command-line style key/values.</summary>
    public static Dictionary<string, string?> Of(DynamoDbOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.ToSettings();
        settings["Logging:LogLevel:Default"] = "Warning";
        return settings;
    }
}
