namespace Microservices.SingleTable;

/// <summary>Where the table lives. Bound from the "DynamoDb" configuration section.</summary>
public sealed class DynamoDbOptions
{
    public const string Section = "DynamoDb";

    /// <summary>
    /// Endpoint of DynamoDB Local or of the compose container. Empty means the SDK's regional AWS endpoint.
    /// </summary>
    public string? ServiceUrl { get; set; }

    public string Region { get; set; } = "us-east-1";

    /// <summary>The single table that holds every item type.</summary>
    public string TableName { get; set; } = "Microservices";

    /// <summary>Stream leases and checkpoints. A separate table without a stream, so checkpoints never feed themselves.</summary>
    public string LeaseTableName { get; set; } = "Microservices-leases";

    /// <summary>Static credentials for DynamoDB Local; left empty, the SDK's default credential chain is used.</summary>
    public string? AccessKey { get; set; }

    public string? SecretKey { get; set; }

    /// <summary>
    /// How many writes one fan-out (the copies of one source, written one request each) keeps in flight. DynamoDB
    /// serves independent items in parallel, so one at a time leaves most of its throughput unused. A raw loop of the
    /// same puts on DynamoDB Local peaks anywhere from 4 to 16 in flight; the worker, which has more to do between two
    /// writes, kept up with that peak at 16 (5,000 copies: 363 and 304/s against 349 and 259/s) and not at 8 (264 and
    /// 261/s against 342 and 351/s), so 16 it is. Past that requests only queue.
    /// </summary>
    public int FanOutConcurrency { get; set; } = 16;

    /// <summary>This section as configuration keys ("DynamoDb:TableName"), for a process configured from outside.</summary>
    public Dictionary<string, string?> ToSettings() => new()
    {
        [$"{Section}:{nameof(ServiceUrl)}"] = ServiceUrl,
        [$"{Section}:{nameof(Region)}"] = Region,
        [$"{Section}:{nameof(TableName)}"] = TableName,
        [$"{Section}:{nameof(LeaseTableName)}"] = LeaseTableName,
        [$"{Section}:{nameof(AccessKey)}"] = AccessKey,
        [$"{Section}:{nameof(SecretKey)}"] = SecretKey,
        [$"{Section}:{nameof(FanOutConcurrency)}"] = FanOutConcurrency.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
