using Amazon.Runtime.Credentials;
using Microservices.Shared.Dynamo;
using Microservices.Shared.Faults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microservices.Shared.Streams;

public static class StreamConsumerServiceCollectionExtensions
{
    /// <summary>
    /// Runs <typeparamref name="THandler"/> as a stream consumer of the table named in the DynamoDb options, sharing
    /// the stream with every other instance that uses the same <paramref name="consumerName"/>.
    /// Needs <see cref="DynamoDbServiceCollectionExtensions.AddDynamoDb"/>.
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

        services.AddConfiguredFaults();
        services.AddHttpClient(nameof(DynamoDbStreamsClient))
            .AddHttpMessageHandler(provider => provider.GetRequiredService<ConfiguredFaults>().StreamsHandler());
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
        services.TryAddSingleton<LeaseStore>();
        services.TryAddSingleton<DeadLetterStore>();
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
