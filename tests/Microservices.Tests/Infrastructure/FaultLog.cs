using System.Collections.Concurrent;
using Microservices.Contracts.Catalog;

namespace Microservices.Tests.Infrastructure;

/// <summary>The faults MassTransit publishes when a genre consumer gives up on a message after its retries.</summary>
public sealed class FaultLog
{
    public ConcurrentQueue<object> Faults { get; } = new();
}

public sealed class FaultLogConsumer(FaultLog log) : IConsumer<Fault<BookAddedV1>>, IConsumer<Fault<AuthorRenamedV1>>
{
    public Task Consume(ConsumeContext<Fault<BookAddedV1>> context)
    {
        log.Faults.Enqueue(context.Message.Message);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<Fault<AuthorRenamedV1>> context)
    {
        log.Faults.Enqueue(context.Message.Message);
        return Task.CompletedTask;
    }
}
