using Amazon;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microservices.SingleTable;

public static class DynamoDbServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="DynamoDbOptions"/> and registers one DynamoDB client. Throttling and transient errors are
    /// retried by the SDK's standard retry mode (exponential backoff with jitter), never swallowed.
    /// </summary>
    public static IServiceCollection AddDynamoDb(this IServiceCollection services)
    {
        services.AddOptions<DynamoDbOptions>()
            .BindConfiguration(DynamoDbOptions.Section)
            .Validate(o => !string.IsNullOrWhiteSpace(o.TableName), "DynamoDb:TableName is required.")
            .Validate(o => o.TableName != o.LeaseTableName, "The lease table must not be the streamed table.")
            .Validate(o => o.FanOutConcurrency > 0, "DynamoDb:FanOutConcurrency must be at least 1.")
            .ValidateOnStart();
        // One registration, so a host that needs another client replaces just this one.
        services.AddSingleton<IAmazonDynamoDB>(provider => CreateClient(provider.GetRequiredService<IOptions<DynamoDbOptions>>().Value));
        return services;
    }

    public static AmazonDynamoDBClient CreateClient(DynamoDbOptions options) => CreateClient(options, _ => { });

    /// <summary>
    /// The same client, with <paramref name="configure"/> applied to its configuration last (an HTTP client factory, say),
    /// so the retry mode and the limit checks stay those of every other client.
    /// </summary>
    public static AmazonDynamoDBClient CreateClient(DynamoDbOptions options, Action<AmazonDynamoDBConfig> configure)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configure);
        var config = new AmazonDynamoDBConfig
        {
            RetryMode = RequestRetryMode.Standard,
            MaxErrorRetry = 8,
        };
        if (!string.IsNullOrWhiteSpace(options.ServiceUrl))
        {
            config.ServiceURL = options.ServiceUrl;
            config.AuthenticationRegion = options.Region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }

        // On the configuration rather than the constructor, so a Streams client beside this one can use them too.
        config.DefaultAWSCredentials = Credentials(options);
        configure(config);

        var client = new AmazonDynamoDBClient(config);
        // Every write is checked against DynamoDB's limits before it is sent, whoever sends it.
        client.BeforeRequestEvent += (_, e) =>
        {
            if (e is WebServiceRequestEventArgs request)
            {
                DynamoDbLimits.Check(request.Request);
            }
        };
        return client;
    }

    /// <summary>Static keys when configured (DynamoDB Local accepts any); otherwise the SDK's default chain.</summary>
    public static AWSCredentials? Credentials(DynamoDbOptions options) =>
        string.IsNullOrWhiteSpace(options.AccessKey)
            ? null
            : new BasicAWSCredentials(options.AccessKey, options.SecretKey ?? "");
}
