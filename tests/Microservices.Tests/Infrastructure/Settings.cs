using Microservices.Shared.Dynamo;

namespace Microservices.Tests.Infrastructure;

public static class Settings
{
    /// <summary>The "DynamoDb" configuration section a service reads, as command-line style key/values.</summary>
    public static Dictionary<string, string?> Of(DynamoDbOptions options) => new()
    {
        [$"{DynamoDbOptions.Section}:ServiceUrl"] = options.ServiceUrl,
        [$"{DynamoDbOptions.Section}:TableName"] = options.TableName,
        [$"{DynamoDbOptions.Section}:LeaseTableName"] = options.LeaseTableName,
        [$"{DynamoDbOptions.Section}:AccessKey"] = options.AccessKey,
        [$"{DynamoDbOptions.Section}:SecretKey"] = options.SecretKey,
        ["Logging:LogLevel:Default"] = "Warning",
    };
}
