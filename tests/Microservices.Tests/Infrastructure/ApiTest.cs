using Microservices.ServiceDefaults;

namespace Microservices.Tests.Infrastructure;

/// <summary>
/// A test class against one real service: its own tables in DynamoDB Local, the service on them (<see cref="Api"/>),
/// a client of it (<see cref="Http"/>), and the workers the class runs besides it, if any (<see cref="Worker"/>).
/// </summary>
public abstract class ApiTest<TService> : IAsyncLifetime
    where TService : class, IServiceModule
{
    private readonly DynamoDbLocalFixture _dynamo;
    private readonly string _tables;

    /// <param name="tables">The name the class's tables start with.</param>
    protected ApiTest(DynamoDbLocalFixture dynamo, string tables)
    {
        _dynamo = dynamo;
        _tables = tables;
    }

    protected ServiceApi<TService> Api { get; private set; } = null!;

    protected ApiClient Http { get; private set; } = null!;

    protected DynamoDbOptions Tables => Api.Tables;

    protected IHost? Worker { get; private set; }

    public virtual async ValueTask InitializeAsync()
    {
        var tables = await _dynamo.CreateTablesAsync(_tables);
        Api = new ServiceApi<TService>(tables);
        Http = Api.Client();
        Worker = await StartWorkerAsync(tables);
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (Worker is not null)
        {
            await Worker.StopAsync();
            Worker.Dispose();
        }

        await Api.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>The workers the class runs besides the service, started once its tables exist; none unless overridden.</summary>
    protected virtual Task<IHost?> StartWorkerAsync(DynamoDbOptions tables) => Task.FromResult<IHost?>(null);
}
