using System.CommandLine;
using Microservices.Shared.Dynamo;
using Microsoft.Extensions.Options;

namespace Ops;

/// <summary>The operations tool: one verb per job on the single table.</summary>
internal static class OpsProgram
{
    public static async Task<int> Main(string[] args)
    {
        var bootstrap = new Command("bootstrap", "Create the single table and the lease table if they are missing (idempotent).");
        OpsSettings.AddTo(bootstrap);
        bootstrap.SetAction(async (parse, cancellationToken) =>
        {
            var settings = OpsSettings.Read(parse);
            using var dynamo = DynamoDbServiceCollectionExtensions.CreateClient(settings);
            var created = await new TableBootstrap(dynamo, Options.Create(settings)).EnsureTablesAsync(cancellationToken);
            Console.WriteLine(created ? $"Created {settings.TableName} and {settings.LeaseTableName}." : $"{settings.TableName} already exists.");
            return 0;
        });

        var check = new Command("check",
            "Recompute every genre copy, every author's book count, every order's client copies and the Orders aggregates from their sources; print each drift. Exit code 0 only when there is none.");
        OpsSettings.AddTo(check);
        check.SetAction(async (parse, cancellationToken) =>
        {
            var settings = OpsSettings.Read(parse);
            using var dynamo = DynamoDbServiceCollectionExtensions.CreateClient(settings);
            var drifts = (await GenreCopyCheck.RunAsync(dynamo, settings.TableName, cancellationToken))
                .Concat(await BookCountCheck.RunAsync(dynamo, settings.TableName, cancellationToken))
                .Concat(await OrderChecks.RunAsync(dynamo, settings.TableName, cancellationToken))
                .ToList();
            foreach (var drift in drifts)
            {
                Console.WriteLine(drift);
            }

            Console.WriteLine(drifts.Count == 0 ? "No drift: every copy and aggregate matches its sources." : $"{drifts.Count} drift(s) in copies and aggregates.");
            return drifts.Count == 0 ? 0 : 1;
        });

        var dataModel = new Command("data-model", "Print docs/data-model.md, generated from the table's declaration (TableSchema).");
        dataModel.SetAction(_ =>
        {
            Console.Write(DataModelDocument.Write());
            return 0;
        });

        var root = new RootCommand("Operations on the single table: bootstrap, check, data-model.") { bootstrap, check, dataModel };
        return await root.Parse(args).InvokeAsync();
    }
}
