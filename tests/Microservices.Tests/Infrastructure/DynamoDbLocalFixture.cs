using Amazon.DynamoDBv2;

[assembly: AssemblyFixture(typeof(DynamoDbLocalFixture))]

namespace Microservices.Tests.Infrastructure;

/// <summary>
/// One real DynamoDB Local for the whole test run. Each test class asks for its own tables, so classes running in
/// parallel never see each other's items.
/// </summary>
public sealed class DynamoDbLocalFixture : IAsyncLifetime
{
    private DynamoDbLocal? _local;

    public Uri ServiceUrl => _local?.ServiceUrl ?? throw new InvalidOperationException("DynamoDB Local is not running.");

    public async ValueTask InitializeAsync() => _local = await DynamoDbLocal.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_local is not null)
        {
            await _local.DisposeAsync();
        }
    }

    /// <summary>Options naming fresh tables for one test class; the tables are created by <see cref="CreateTablesAsync"/>.</summary>
    public DynamoDbOptions NewTables(string owner)
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        return new DynamoDbOptions
        {
            ServiceUrl = ServiceUrl.ToString(),
            TableName = $"{owner}-{suffix}",
            LeaseTableName = $"{owner}-{suffix}-leases",
            AccessKey = "local",
            SecretKey = "local",
        };
    }

    public static AmazonDynamoDBClient CreateClient(DynamoDbOptions options) => DynamoDbServiceCollectionExtensions.CreateClient(options);

    public async Task<DynamoDbOptions> CreateTablesAsync(string owner)
    {
        var options = NewTables(owner);
        using var dynamo = CreateClient(options);
        await new TableBootstrap(dynamo, Microsoft.Extensions.Options.Options.Create(options)).EnsureTablesAsync();
        return options;
    }
}
