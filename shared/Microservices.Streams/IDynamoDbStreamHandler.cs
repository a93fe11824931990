using Microservices.Streams.Lambda;

namespace Microservices.Streams;

/// <summary>
/// Lambda's contract for a DynamoDB stream function: a batch of records in, the records that failed out. The same
/// handler runs under our stream consumer and could run unchanged behind a Lambda event source mapping.
/// </summary>
public interface IDynamoDbStreamHandler
{
    Task<StreamsEventResponse> HandleAsync(DynamoDbEvent streamEvent, CancellationToken cancellationToken);
}
