using Amazon.DynamoDBv2;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microservices.Streams;

public static class StreamConsumerServiceCollectionExtensions
{
    /// <summary>
    /// The named HttpClient the Streams client sends its requests through. A host adds its own handlers to it, e.g.
    /// <c>services.AddHttpClient(StreamsHttpClient).AddHttpMessageHandler(...)</c>, for a proxy, logging or injected faults.
    /// </summary>
    public const string StreamsHttpClient = "Microservices.Streams";

    /// <summary>
    /// Runs <typeparamref name="THandler"/> as a stream consumer of <see cref="StreamConsumerOptions.TableName"/>,
    /// sharing the stream with every other instance that uses the same <paramref name="consumerName"/>. Leases,
    /// checkpoints and dead letters go to the lease table through the host's <see cref="IAmazonDynamoDB"/>, and the
    /// Streams API is reached at that client's endpoint, region and credentials unless the host registers its own
    /// <see cref="IDynamoDbStreams"/>.
    /// </summary>
    public static IServiceCollection AddStreamConsumer<THandler>(
        this IServiceCollection services, string consumerName, Action<StreamConsumerOptions>? configure = null)
        where THandler : class, IDynamoDbStreamHandler
    {
        // Code sets the defaults; configuration (StreamConsumers:{name}:BatchSize=...) overrides them per deployment.
        services.AddOptions<StreamConsumerOptions>(consumerName)
            .Configure(options =>
            {
                options.ConsumerName = consumerName;
                configure?.Invoke(options);
            })
            .BindConfiguration($"{StreamConsumerOptions.Section}:{consumerName}")
            .Validate(options => options.ConsumerName == consumerName, "The consumer name cannot be changed by configuration.");

        services.AddHttpClient(StreamsHttpClient);
        services.TryAddSingleton<IDynamoDbStreams>(provider => new DynamoDbStreamsClient(
            provider.GetRequiredService<IHttpClientFactory>().CreateClient(StreamsHttpClient),
            DynamoDbStreamsClientOptions.From(provider.GetRequiredService<IAmazonDynamoDB>())));
        services.TryAddSingleton<THandler>();
        services.AddSingleton(new StreamConsumerRegistration(consumerName));
        services.AddKeyedSingleton(consumerName, (provider, _) =>
        {
            var options = provider.GetRequiredService<IOptionsMonitor<StreamConsumerOptions>>().Get(consumerName);
            options.Validate();
            return ActivatorUtilities.CreateInstance<StreamConsumer>(provider, provider.GetRequiredService<THandler>(), options);
        });
        services.AddHostedService(provider => provider.GetRequiredKeyedService<StreamConsumer>(consumerName));
        services.AddKeyedSingleton<IDynamoDbStreamHandler>(consumerName, (provider, _) => provider.GetRequiredService<THandler>());
        return services;
    }
}
