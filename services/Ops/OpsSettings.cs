using System.CommandLine;
using Microservices.SingleTable;
using Microsoft.Extensions.Configuration;

namespace Ops;

/// <summary>
/// Which table the tool works on: the same "DynamoDb" settings as the services (environment variables such as
/// DynamoDb__ServiceUrl), overridden by the command line.
/// </summary>
public static class OpsSettings
{
    public static readonly Option<string?> Endpoint = new("--endpoint")
    {
        Description = "DynamoDB endpoint, e.g. http://localhost:8000 (default: DynamoDb__ServiceUrl, else AWS)",
    };

    public static readonly Option<string?> Table = new("--table") { Description = "The single table (default: Microservices)" };

    public static readonly Option<string?> LeaseTable = new("--lease-table") { Description = "The lease table (default: Microservices-leases)" };

    public static void AddTo(Command command)
    {
        command.Options.Add(Endpoint);
        command.Options.Add(Table);
        command.Options.Add(LeaseTable);
    }

    public static DynamoDbOptions Read(ParseResult parse)
    {
        var options = new DynamoDbOptions();
        new ConfigurationBuilder().AddEnvironmentVariables().Build().GetSection(DynamoDbOptions.Section).Bind(options);
        options.ServiceUrl = parse.GetValue(Endpoint) ?? options.ServiceUrl;
        options.TableName = parse.GetValue(Table) ?? options.TableName;
        options.LeaseTableName = parse.GetValue(LeaseTable) ?? options.LeaseTableName;
        if (!string.IsNullOrWhiteSpace(options.ServiceUrl) && string.IsNullOrWhiteSpace(options.AccessKey))
        {
            // DynamoDB Local accepts any key; the SDK still wants one to sign with.
            options.AccessKey = options.SecretKey = "local";
        }

        return options;
    }
}
