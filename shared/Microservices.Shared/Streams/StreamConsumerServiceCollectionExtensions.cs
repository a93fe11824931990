using Amazon.Runtime.Credentials;
using Microservices.Shared.Dynamo;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microservices.Shared.Streams;

public static class StreamConsumerServiceCollectionExtensions
{
    /// <summary>
    /// Runs <typeparamref name="THandler"/> as a stream consumer of the table named in the DynamoDb options,
    /// checkpointing under <paramref name="consumerName"/>. Needs <see cref="DynamoDbServiceCollectionExtensions.AddDynamoDb"/>.
    /// </summary>
    public static IServiceCollection AddStreamConsumer<THandler>(
        this IServiceCollection services, string consumerName, Action<StreamConsumerOptions>? configure = null)
        where THandler : class, IDynamoDbStreamHandler
    {
        var options = new StreamConsumerOptions { ConsumerName = consumerName };
        configure?.Invoke(options);

        services.AddHttpClient(nameof(DynamoDbStreamsClient));
        services.TryAddSingleton<IDynamoDbStreams>(provider =>
        {
            var dynamo = provider.GetRequiredService<IOptions<DynamoDbOptions>>().Value;
            var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(DynamoDbStreamsClient));
            return new DynamoDbStreamsClient(http, new DynamoDbStreamsClientOptions
            {
                ServiceUrl = string.IsNullOrWhiteSpace(dynamo.ServiceUrl) ? null : new Uri(dynamo.ServiceUrl),
                Region = dynamo.Region,
                Credentials = DynamoDbServiceCollectionExtensions.Credentials(dynamo)
                    ?? DefaultAWSCredentialsIdentityResolver.GetCredentials(),
            });
        });
        services.TryAddSingleton<CheckpointStore>();
        services.TryAddSingleton<THandler>();
        services.AddHostedService(provider => ActivatorUtilities.CreateInstance<StreamConsumer>(
            provider, provider.GetRequiredService<THandler>(), options));
        return services;
    }
}
