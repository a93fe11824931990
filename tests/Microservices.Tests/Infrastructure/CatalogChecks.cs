
namespace Microservices.Tests.Infrastructure;

/// <summary>The Ops check's two halves, as the tests run them: genre copies and book counts, recomputed from the sources.</summary>
public static class CatalogChecks
{
    public static async Task<IReadOnlyList<Drift>> RunAsync(DynamoDbOptions tables)
    {
        using var client = DynamoDbLocalFixture.CreateClient(tables);
        var cancellationToken = TestContext.Current.CancellationToken;
        return
        [
            .. await GenreCopyCheck.RunAsync(client, tables.TableName, cancellationToken),
            .. await BookCountCheck.RunAsync(client, tables.TableName, cancellationToken),
        ];
    }

    /// <summary>Polls both checks until neither reports anything.</summary>
    public static Task UntilNoDriftAsync(DynamoDbOptions tables, TimeSpan? timeout = null) =>
        Eventually.Until(async () => await RunAsync(tables), drifts => drifts.Count == 0, timeout ?? TimeSpan.FromSeconds(60), "zero drift");
}
