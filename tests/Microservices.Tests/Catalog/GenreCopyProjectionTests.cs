using Amazon.DynamoDBv2.Model;
using Catalog.Worker;
using Microservices.Shared.Dynamo;
using Microservices.Shared.Lambda;
using Microservices.Shared.Schema;
using Microservices.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Ops;

namespace Microservices.Tests.Catalog;

/// <summary>
/// The genre handler fed real stream records the way Lambda feeds a function: the same batch twice, in reverse,
/// and its own copies coming back. Every copy must end equal to its sources.
/// </summary>
public sealed class GenreCopyProjectionTests(DynamoDbLocalFixture dynamo) : IAsyncLifetime
{
    private CatalogApi _api = null!;
    private CatalogClient _catalog = null!;
    private ServiceProvider _services = null!;

    private GenreCopyProjection Projection => _services.GetRequiredService<GenreCopyProjection>();

    private GenreCopyWriter Writer => _services.GetRequiredService<GenreCopyWriter>();

    public async ValueTask InitializeAsync()
    {
        var tables = await dynamo.CreateTablesAsync("handler");
        _api = new CatalogApi(tables);
        _catalog = new CatalogClient(_api.CreateClient());
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(Settings.Of(tables)).Build());
        services.AddDynamoDb();
        services.AddSingleton<GenreCopyWriter>();
        services.AddSingleton<GenreCopyProjection>();
        _services = services.BuildServiceProvider();
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task The_same_batch_twice_leaves_every_copy_correct()
    {
        var authorId = await WriteHistoryAsync();
        var batch = new DynamoDbEvent { Records = await StreamRecords.ReadAllAsync(_api.Tables) };

        Assert.Empty((await Projection.HandleAsync(batch, TestContext.Current.CancellationToken)).BatchItemFailures);
        Assert.Empty((await Projection.HandleAsync(batch, TestContext.Current.CancellationToken)).BatchItemFailures);

        await AssertConvergedAsync(authorId);
    }

    [Fact]
    public async Task The_batch_in_reverse_order_leaves_every_copy_correct()
    {
        var authorId = await WriteHistoryAsync();
        var records = await StreamRecords.ReadAllAsync(_api.Tables);
        records.Reverse();

        Assert.Empty((await Projection.HandleAsync(new DynamoDbEvent { Records = records }, TestContext.Current.CancellationToken)).BatchItemFailures);

        await AssertConvergedAsync(authorId);
    }

    [Fact]
    public async Task Its_own_copies_coming_back_on_the_stream_cause_no_further_writes()
    {
        await WriteHistoryAsync();
        var before = await StreamRecords.ReadAllAsync(_api.Tables);
        await Projection.HandleAsync(new DynamoDbEvent { Records = before }, TestContext.Current.CancellationToken);
        var copiesWritten = Writer.CopiesWritten;

        var echoes = await StreamRecords.ReadAllAsync(_api.Tables, skip: before.Count);
        Assert.NotEmpty(echoes);
        Assert.All(echoes, r => Assert.Equal(ItemTypes.GenreBook, r.Dynamodb.NewImage![Attributes.ItemType].S));
        Assert.Empty((await Projection.HandleAsync(new DynamoDbEvent { Records = echoes }, TestContext.Current.CancellationToken)).BatchItemFailures);

        Assert.Equal(copiesWritten, Writer.CopiesWritten);
    }

    [Fact]
    public async Task A_copy_built_from_newer_sources_is_never_regressed_and_the_record_is_reported_failed()
    {
        var authorId = await WriteHistoryAsync();
        var records = await StreamRecords.ReadAllAsync(_api.Tables);
        await Projection.HandleAsync(new DynamoDbEvent { Records = records }, TestContext.Current.CancellationToken);
        var copy = (await TableItems.GenreCopiesAsync(_api.Tables)).First();
        var key = TableItems.KeyOf(copy);
        using var client = DynamoDbLocalFixture.CreateClient(_api.Tables);
        // Pretend a later author version was already copied: nothing the worker can read now is as new.
        await client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = _api.Tables.TableName,
            Key = key,
            UpdateExpression = "SET AuthorVersion = :future, AuthorName = :future_name",
            ExpressionAttributeValues = new() { [":future"] = new() { N = "99" }, [":future_name"] = new("From the future") },
        }, TestContext.Current.CancellationToken);

        var response = await Projection.HandleAsync(new DynamoDbEvent { Records = records }, TestContext.Current.CancellationToken);

        Assert.NotEmpty(response.BatchItemFailures);
        var stored = await client.GetItemAsync(_api.Tables.TableName, key, true, TestContext.Current.CancellationToken);
        Assert.Equal("From the future", stored.Item[Attributes.AuthorName].S);
        Assert.NotNull(authorId);
    }

    /// <summary>An author with three books in two genres, renamed twice.</summary>
    private async Task<string> WriteHistoryAsync()
    {
        var (authorId, version) = await _catalog.RegisterAuthorAsync("Original Name");
        await _catalog.AddBookAsync(authorId, "First", "mystery", 5m);
        await _catalog.AddBookAsync(authorId, "Second", "mystery", 6m);
        await _catalog.AddBookAsync(authorId, "Third", "thriller", 7m);
        version = await _catalog.RenameAuthorAsync(authorId, "Middle Name", version);
        await _catalog.RenameAuthorAsync(authorId, "Final Name", version);
        return authorId;
    }

    private async Task AssertConvergedAsync(string authorId)
    {
        using var client = DynamoDbLocalFixture.CreateClient(_api.Tables);
        Assert.Empty(await GenreCopyCheck.RunAsync(client, _api.Tables.TableName, TestContext.Current.CancellationToken));
        var copies = await TableItems.GenreCopiesAsync(_api.Tables);
        Assert.Equal(3, copies.Count);
        Assert.All(copies, c =>
        {
            Assert.Equal(authorId, c[Attributes.AuthorId].S);
            Assert.Equal("Final Name", c[Attributes.AuthorName].S);
            Assert.Equal("3", c[Attributes.AuthorVersion].N);
        });
    }
}
