using Amazon.DynamoDBv2;
using Microservices.Faults;
using Microsoft.AspNetCore.TestHost;

namespace Microservices.Tests.Faults;

/// <summary>
/// Throttling and transient errors injected into the SDK's HTTP path in front of the real DynamoDB Local: the SDK must
/// read them as DynamoDB's own errors and its standard retry mode must absorb them.
/// </summary>
[TakesAbout(26)]
public sealed class DynamoDbFaultsTests(DynamoDbLocalFixture dynamo, RabbitMqFixture rabbit) : IAsyncLifetime
{
    /// <summary>A key no test writes: GetItem of it reaches DynamoDB and finds nothing.</summary>
    private static readonly ItemKey Probe = Keys.Author("no-such-author");

    private DynamoDbOptions _tables = null!;

    public async ValueTask InitializeAsync() => _tables = await dynamo.CreateTablesAsync("dynamo-faults");

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public static TheoryData<DynamoDbFaultKind, string, HttpStatusCode> Kinds => new()
    {
        { DynamoDbFaultKind.ProvisionedThroughputExceeded, nameof(ProvisionedThroughputExceededException), HttpStatusCode.BadRequest },
        { DynamoDbFaultKind.Throttling, nameof(ThrottlingException), HttpStatusCode.BadRequest },
        { DynamoDbFaultKind.InternalServerError, "InternalServerError", HttpStatusCode.InternalServerError },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Each_fault_reaches_the_caller_as_DynamoDBs_own_error_after_the_SDK_retried_it(
        DynamoDbFaultKind kind, string errorCode, HttpStatusCode status)
    {
        var faults = new DynamoDbFaults(rate: 1, seed: 1, kind);
        using var client = faults.CreateClient(_tables, config => config.MaxErrorRetry = 1);

        var error = await Assert.ThrowsAnyAsync<AmazonDynamoDBException>(() => GetAnyItemAsync(client));

        Assert.Equal(errorCode, error.ErrorCode);
        Assert.Equal(status, error.StatusCode);
        Assert.Equal(kind switch
        {
            DynamoDbFaultKind.ProvisionedThroughputExceeded => typeof(ProvisionedThroughputExceededException),
            DynamoDbFaultKind.Throttling => typeof(ThrottlingException),
            _ => typeof(InternalServerErrorException),
        }, error.GetType());
        // The first attempt and its one retry: the SDK took it for a retryable error.
        Assert.Equal(new Dictionary<DynamoDbFaultKind, long> { [kind] = 2 }, faults.Injected);
        Assert.Equal(0, faults.Passed);
    }

    [Fact]
    public async Task The_same_seed_injects_the_same_faults_into_the_same_requests()
    {
        var first = await OutcomesAsync(seed: 42);
        var second = await OutcomesAsync(seed: 42);

        Assert.Equal(first, second);
        Assert.Contains("ok", first);
        Assert.True(first.Distinct().Count() > 2, string.Join(", ", first));
    }

    [Fact]
    public async Task Disabled_it_passes_every_request_on()
    {
        var faults = new DynamoDbFaults(rate: 1, seed: 1) { Enabled = false };
        using var client = faults.CreateClient(_tables);

        await GetAnyItemAsync(client);

        Assert.Equal(0, faults.TotalInjected);
        Assert.Equal(1, faults.Passed);
    }

    [Fact]
    public async Task Catalog_commands_at_a_ten_percent_fault_rate_all_succeed_and_the_copies_converge_with_zero_drift()
    {
        var faults = new DynamoDbFaults(rate: 0.1, seed: 7);
        using var faulty = faults.CreateClient(_tables);
        await using var api = new CatalogApi(_tables);
        using var faultyApi = api.WithWebHostBuilder(web =>
            web.ConfigureTestServices(services => services.AddSingleton<IAmazonDynamoDB>(faulty)));
        var catalog = new ApiClient(faultyApi.CreateClient());
        using var worker = await GenreWorker.StartAsync(_tables, await rabbit.NewVirtualHostAsync("dynamo-faults"));

        // ApiClient asserts each command's status: every one of them must succeed despite the faults.
        var load = await CatalogLoad.RegisterAsync(catalog, authors: 4);
        await load.RunAsync(steps: 8);

        await load.UntilConvergedAsync(_tables, TimeSpan.FromSeconds(60));
        await CatalogChecks.UntilNoDriftAsync(_tables);
        Assert.True(faults.TotalInjected > 0, "no fault was injected");
        Assert.True(faults.Injected.Count > 1, $"only {string.Join(", ", faults.Injected)} was injected");
        Assert.True(faults.Passed > faults.TotalInjected);
        await worker.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task The_relay_and_the_workers_reading_and_writing_through_faults_still_converge_with_zero_drift()
    {
        var apiFaults = new DynamoDbFaults(rate: 0.1, seed: 3);
        var workerFaults = new DynamoDbFaults(rate: 0.1, seed: 4);
        var streamFaults = new DynamoDbFaults(rate: 0.1, seed: 5);
        using var faulty = apiFaults.CreateClient(_tables);
        await using var api = new CatalogApi(_tables);
        using var faultyApi = api.WithWebHostBuilder(web =>
            web.ConfigureTestServices(services => services.AddSingleton<IAmazonDynamoDB>(faulty)));
        var catalog = new ApiClient(faultyApi.CreateClient());
        using var worker = await GenreWorker.StartAsync(
            _tables,
            await rabbit.NewVirtualHostAsync("dynamo-faults-workers"),
            services: services =>
            {
                // The consumers' reads and version-guarded writes, the relay's leases and checkpoints, and its stream reads.
                services.AddSingleton<IAmazonDynamoDB>(_ => workerFaults.CreateClient(_tables));
                services.AddHttpClient(StreamConsumerServiceCollectionExtensions.StreamsHttpClient).AddHttpMessageHandler(streamFaults.CreateHandler);
            });

        var load = await CatalogLoad.RegisterAsync(catalog, authors: 4);
        await load.RunAsync(steps: 8);

        await load.UntilConvergedAsync(_tables, TimeSpan.FromSeconds(60));
        await CatalogChecks.UntilNoDriftAsync(_tables);
        Assert.True(apiFaults.TotalInjected > 0, "no fault was injected into the API's requests");
        Assert.True(workerFaults.TotalInjected > 0, "no fault was injected into the workers' requests");
        Assert.True(streamFaults.TotalInjected > 0, "no fault was injected into the stream reads");
        await worker.StopAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>A GetItem, an operation whose declared errors include every kind, so the SDK raises each typed exception.</summary>
    private Task<GetItemResponse> GetAnyItemAsync(AmazonDynamoDBClient client) =>
        client.GetItemAsync(new GetItemRequest
        {
            TableName = _tables.TableName,
            Key = new() { [Attributes.PK] = new(Probe.PK), [Attributes.SK] = new(Probe.SK) },
        }, TestContext.Current.CancellationToken);

    /// <summary>Twenty requests without retries: for each, "ok" or the error code it met.</summary>
    private async Task<List<string>> OutcomesAsync(int seed)
    {
        var faults = new DynamoDbFaults(rate: 0.5, seed);
        using var client = faults.CreateClient(_tables, config => config.MaxErrorRetry = 0);
        var outcomes = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            try
            {
                await GetAnyItemAsync(client);
                outcomes.Add("ok");
            }
            catch (AmazonDynamoDBException e)
            {
                outcomes.Add(e.ErrorCode);
            }
        }

        return outcomes;
    }
}
