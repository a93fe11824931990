using System.CommandLine;
using Microservices.Schema;
using Microservices.SingleTable;
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
            if (!created)
            {
                Console.WriteLine($"{settings.TableName} already exists.");
                return 0;
            }

            // A new table starts at the latest version: every migration recorded applied before anything is written.
            var versions = await Microservices.Schema.Migrations.TableMigrations.StartAtLatestAsync(dynamo, settings, cancellationToken);
            Console.WriteLine($"Created {settings.TableName} and {settings.LeaseTableName}, at migration {versions[^1]}.");
            return 0;
        });

        var check = ConsistencyCommands.Check();
        var repair = ConsistencyCommands.RepairCommand();
        var rebuild = ConsistencyCommands.RebuildCommand();
        var soak = Soak.SoakCommand.Create();
        var host = HostCommand.Create();
        var migrate = MigrateCommands.Create();
        var token = TokenCommand.Create();

        var dataModel = new Command("data-model", "Print docs/data-model.md, generated from the table's declaration (TableSchema).");
        dataModel.SetAction(_ =>
        {
            Console.Write(DataModelDocument.Write());
            return 0;
        });

        var root = new RootCommand("Operations on the single table: bootstrap, check, repair, rebuild, migrate, soak, host, token, data-model.") { bootstrap, check, repair, rebuild, migrate, soak, host, token, dataModel };
        try
        {
            var parsed = root.Parse(args);
            return await parsed.InvokeAsync(new InvocationConfiguration
            {
                EnableDefaultExceptionHandler = false,
                // On Ctrl+C a soak stops its processes (each up to 20 s) and deletes its virtual host before it exits.
                ProcessTerminationTimeout = parsed.CommandResult.Command == soak ? TimeSpan.FromSeconds(60) : TimeSpan.FromSeconds(2),
            });
        }
        catch (Exception exception) when (exception is Amazon.Runtime.AmazonServiceException or Amazon.Runtime.AmazonClientException or HttpRequestException)
        {
            // Unreachable endpoint, missing table, no credentials: say which, in one line, not a stack trace.
            await Console.Error.WriteLineAsync($"DynamoDB refused or could not be reached: {exception.Message}");
            return 2;
        }
    }
}
