using Amazon.DynamoDBv2;
using Microservices.Messaging;
using Microsoft.Extensions.Configuration;

namespace Microservices.Tests.Infrastructure;

/// <summary>
/// One stream consumer instance in its own host, on the given tables. The stream is DynamoDB Local's unless a
/// scripted endpoint is given; a <see cref="NetworkPartition"/> cuts the instance off from DynamoDB and the stream,
/// which is what a killed process looks like to the others: it stops renewing, and never releases.
/// </summary>
public sealed class ConsumerHost : IAsyncDisposable
{
    private readonly IHost _host;

    private ConsumerHost(IHost host) => _host = host;

    public StreamConsumer Consumer => _host.Services.GetRequiredKeyedService<StreamConsumer>(Name);

    public string Name { get; private init; } = "";

    public IServiceProvider Services => _host.Services;

    public static async Task<ConsumerHost> StartAsync<THandler>(
        DynamoDbOptions tables,
        THandler handler,
        string consumer,
        Action<StreamConsumerOptions>? configure = null,
        IDynamoDbStreams? streams = null,
        NetworkPartition? partition = null)
        where THandler : class, IDynamoDbStreamHandler
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(Settings.Of(tables));
        builder.Services.AddDynamoDb();
        if (partition is not null)
        {
            builder.Services.AddSingleton<IAmazonDynamoDB>(_ => partition.Client(tables));
        }

        if (streams is not null)
        {
            builder.Services.AddSingleton(partition is null ? streams : partition.Streams(streams));
        }

        builder.Services.AddSingleton(handler);
        builder.Services.AddTableStreamConsumer<THandler>(consumer, options =>
        {
            options.ShardDiscoveryInterval = TimeSpan.FromMilliseconds(300);
            options.PollInterval = TimeSpan.FromMilliseconds(50);
            options.RetryBackoff = TimeSpan.FromMilliseconds(20);
            options.MaxRetryBackoff = TimeSpan.FromMilliseconds(100);
            options.FailoverTime = TimeSpan.FromSeconds(3);
            options.LeaseInterval = TimeSpan.FromMilliseconds(300);
            configure?.Invoke(options);
        });
        var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        return new ConsumerHost(host) { Name = consumer };
    }

    public Task StopAsync() => _host.StopAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _host.StopAsync(quick.Token);
        }
        catch (OperationCanceledException)
        {
        }

        _host.Dispose();
    }
}
