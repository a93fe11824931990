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

        var check = new Command("check", "Recompute every genre copy from its book and author, every order's client copies, and the Orders aggregates; print each drift. Exit code 0 only when there is none.");
        OpsSettings.AddTo(check);
        check.SetAction(async (parse, cancellationToken) =>
        {
            var settings = OpsSettings.Read(parse);
            using var dynamo = DynamoDbServiceCollectionExtensions.CreateClient(settings);
            var drifts = new List<Drift>(await GenreCopyCheck.RunAsync(dynamo, settings.TableName, cancellationToken));
            drifts.AddRange(await OrderChecks.RunAsync(dynamo, settings.TableName, cancellationToken));
            foreach (var drift in drifts)
            {
                Console.WriteLine(drift);
            }

            Console.WriteLine(drifts.Count == 0 ? "No drift: every copy and aggregate matches its sources." : $"{drifts.Count} drifted copy field(s).");
            return drifts.Count == 0 ? 0 : 1;
        });

        var root = new RootCommand("Operations on the single table: bootstrap, check.") { bootstrap, check };
        return await root.Parse(args).InvokeAsync();
    }
}
