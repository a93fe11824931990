using Microservices.SingleTable;
using Microservices.Streams;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microservices.Messaging;

/// <summary>Where this application plugs into the stream consumer, which knows nothing of it.</summary>
public static class TableStreamConsumer
{
    /// <summary>
    /// A stream consumer of this application's table: the table and lease table of the DynamoDb section, and handler
    /// spans that continue the trace each event item was appended under. Needs AddDynamoDb.
    /// </summary>
    public static IServiceCollection AddTableStreamConsumer<THandler>(
        this IServiceCollection services, string consumerName, Action<StreamConsumerOptions>? configure = null)
        where THandler : class, IDynamoDbStreamHandler
    {
        // Registered before the consumer's own configuration, so StreamConsumers:{name}:... still overrides it.
        services.AddOptions<StreamConsumerOptions>(consumerName).Configure<IOptions<DynamoDbOptions>>((options, dynamo) =>
        {
            options.TableName = dynamo.Value.TableName;
            options.LeaseTableName = dynamo.Value.LeaseTableName;
            options.TraceParent = StreamTraceContext.ParentOf;
        });
        return services.AddStreamConsumer<THandler>(consumerName, configure);
    }
}
